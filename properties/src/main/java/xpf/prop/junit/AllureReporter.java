package xpf.prop.junit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.qameta.allure.Allure;
import xpf.prop.Counterexample;
import xpf.prop.PropertyResult;
import xpf.prop.report.FailureReport;
import xpf.prop.stats.StatisticsJson;
import xpf.prop.stats.StatisticsText;

/**
 * Adds a property's facts to the current Allure test result (the JUnit test allure-jupiter records): parameters
 * seed, tries and shrink steps, and attachments for the statistics, the shrunk sample, the choice file and the
 * rendered files. Parameters are excluded from Allure's history id, so a new seed does not break the history.
 */
final class AllureReporter {
    private AllureReporter() {
    }

    static void report(PropertyResult<?> r) {
        if (Allure.getLifecycle().getCurrentTestCase().isEmpty()) {
            return; // not inside an Allure-recorded test (e.g. run by a test kit)
        }
        String prefix = r.propertyId().contains("/") ? r.propertyId().substring(r.propertyId().indexOf('/') + 1) + ": " : "";
        Allure.parameter(prefix + "seed", String.valueOf(r.settings().seed()), true);
        Allure.parameter(prefix + "tries", String.valueOf(r.triesRun()), true);
        Counterexample<?> c = r.counterexample();
        Allure.parameter(prefix + "shrink steps", String.valueOf(c == null ? 0 : c.shrinkSteps()), true);
        Allure.addAttachment(prefix + "statistics", "text/plain", StatisticsText.render(r.propertyId(), r.statistics()), ".txt");
        Allure.addAttachment(prefix + "statistics.json", "application/json",
                StatisticsJson.render(r.propertyId(), r.statistics()), ".json");
        if (c != null) {
            Allure.addAttachment(prefix + "shrunk sample", "text/plain", c.shrunkText(), ".txt");
            Allure.addAttachment(prefix + "failure report", "text/plain", FailureReport.render(r), ".txt");
            attachFile(prefix + "choice file", c.choiceFile());
            for (Path f : c.files()) {
                attachFile(prefix + f.getFileName(), f);
            }
        }
    }

    private static void attachFile(String name, Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return;
        }
        try {
            String fileName = file.getFileName().toString();
            String ext = fileName.contains(".") ? fileName.substring(fileName.lastIndexOf('.')) : ".txt";
            Allure.addAttachment(name, contentType(ext), Files.readString(file), ext);
        } catch (IOException e) {
            Allure.addAttachment(name, "text/plain", "could not read " + file + ": " + e.getMessage(), ".txt");
        }
    }

    private static String contentType(String ext) {
        return switch (ext) {
            case ".json" -> "application/json";
            case ".yaml", ".yml" -> "text/yaml";
            default -> "text/plain";
        };
    }
}
