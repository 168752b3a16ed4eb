package xpf.conformance.conform;

import io.qameta.allure.FileSystemResultsWriter;
import io.qameta.allure.model.Attachment;
import io.qameta.allure.model.Label;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StatusDetails;
import io.qameta.allure.model.TestResult;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Writes one Allure result that is not a scenario run (a matrix subset, a part's summary) into a results folder. */
public final class PlainResults {

    private PlainResults() {
    }

    /**
     * @param labels      label name → value (suite, epic, feature, story ...)
     * @param attachments attachment name → text (plain text)
     */
    public static void write(Path results, String name, String fullName, Status status, String message,
            Map<String, String> labels, Map<String, String> attachments, long startMillis, long stopMillis) {
        FileSystemResultsWriter w = new FileSystemResultsWriter(results);
        List<Attachment> atts = new ArrayList<>();
        for (Map.Entry<String, String> a : new LinkedHashMap<>(attachments).entrySet()) {
            String source = UUID.nameUUIDFromBytes((fullName + "/" + a.getKey()).getBytes(StandardCharsets.UTF_8))
                    + "-attachment.txt";
            w.write(source, new ByteArrayInputStream(a.getValue().getBytes(StandardCharsets.UTF_8)));
            atts.add(new Attachment().setName(a.getKey()).setSource(source).setType("text/plain"));
        }
        List<Label> ls = new ArrayList<>();
        labels.forEach((k, v) -> ls.add(new Label().setName(k).setValue(v)));
        TestResult t = new TestResult()
                .setUuid(UUID.nameUUIDFromBytes((fullName + "@" + startMillis).getBytes(StandardCharsets.UTF_8))
                        .toString())
                .setHistoryId(UUID.nameUUIDFromBytes(fullName.getBytes(StandardCharsets.UTF_8)).toString())
                .setName(name).setFullName(fullName).setStatus(status)
                .setStatusDetails(new StatusDetails().setMessage(message)).setLabels(ls).setAttachments(atts)
                .setStart(startMillis).setStop(stopMillis);
        w.write(t);
    }
}
