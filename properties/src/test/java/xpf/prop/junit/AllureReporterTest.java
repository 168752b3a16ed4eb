package xpf.prop.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.prop.Gens.ints;
import static xpf.prop.Gens.lists;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.AllureResultsWriter;
import io.qameta.allure.model.Attachment;
import io.qameta.allure.model.Parameter;
import io.qameta.allure.model.TestResult;
import io.qameta.allure.model.TestResultContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import xpf.prop.Property;
import xpf.prop.PropertyResult;
import xpf.prop.PropertyRunner;
import xpf.prop.Settings;

/** A failing property becomes one Allure result with seed, tries, shrink steps and the failure's attachments. */
class AllureReporterTest {
    @TempDir
    Path failures;

    /** Keeps what Allure would write, in memory. */
    static final class Captured implements AllureResultsWriter {
        final List<TestResult> results = new java.util.ArrayList<>();
        final Map<String, String> files = new LinkedHashMap<>();

        @Override
        public void write(TestResult result) {
            results.add(result);
        }

        @Override
        public void write(TestResultContainer container) {
        }

        @Override
        public void write(String source, InputStream in) {
            try (in) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                in.transferTo(out);
                files.put(source, out.toString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Test
    void aFailingPropertyIsOneResultWithParametersAndAttachments() {
        PropertyResult<List<Integer>> r = PropertyRunner.run("pkg.AllureReporterTest#sum",
                Property.forAll(lists(ints(0, 1000), 0, 10)).holds(xs -> xs.stream().mapToInt(i -> i).sum() <= 100),
                Settings.withSeed(42).outputDir(failures));

        Captured captured = new Captured();
        AllureLifecycle previous = Allure.getLifecycle();
        AllureLifecycle lifecycle = new AllureLifecycle(captured);
        Allure.setLifecycle(lifecycle);
        String uuid = UUID.randomUUID().toString();
        try {
            lifecycle.scheduleTestCase(new TestResult().setUuid(uuid).setName("sum"));
            lifecycle.startTestCase(uuid);
            AllureReporter.report(r);
            lifecycle.stopTestCase(uuid);
            lifecycle.writeTestCase(uuid);
        } finally {
            Allure.setLifecycle(previous);
        }

        TestResult result = captured.results.get(0);
        assertThat(result.getParameters()).extracting(Parameter::getName, Parameter::getValue, Parameter::getExcluded)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("seed", "42", true),
                        org.assertj.core.groups.Tuple.tuple("tries", String.valueOf(r.triesRun()), true),
                        org.assertj.core.groups.Tuple.tuple("shrink steps",
                                String.valueOf(r.counterexample().shrinkSteps()), true));
        assertThat(result.getAttachments()).extracting(Attachment::getName)
                .containsExactly("statistics", "statistics.json", "shrunk sample", "failure report", "choice file");
        Map<String, String> byName = new LinkedHashMap<>();
        for (Attachment a : result.getAttachments()) {
            byName.put(a.getName(), captured.files.get(a.getSource()));
        }
        assertThat(byName.get("shrunk sample")).isEqualTo("[101]");
        assertThat(byName.get("choice file")).contains("\"property\" : \"pkg.AllureReporterTest#sum\"");
        assertThat(byName.get("failure report")).contains("falsified (seed 42, try ");
    }
}
