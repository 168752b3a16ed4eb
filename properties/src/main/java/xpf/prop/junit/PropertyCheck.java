package xpf.prop.junit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import xpf.prop.Property;
import xpf.prop.PropertyFailure;
import xpf.prop.PropertyResult;
import xpf.prop.PropertyRunner;
import xpf.prop.Settings;
import xpf.prop.report.ReplayCommand;
import xpf.prop.stats.StatisticsJson;
import xpf.prop.stats.StatisticsText;

/**
 * Handed to a {@link PropertyTest} method: runs the property under the test's id ({@code pkg.Class#method}) and
 * resolved settings, prints its statistics, reports it to Allure, saves its statistics as JSON under
 * {@code target/prop-stats/}, and throws {@link PropertyFailure} when it fails.
 */
public final class PropertyCheck {
    private final String testId;
    private final Settings settings;
    private final boolean allure;
    private int checks;

    PropertyCheck(String testId, Settings settings, boolean allure) {
        this.testId = testId;
        this.settings = settings;
        this.allure = allure;
    }

    /** Runs the property; returns its result when it passes (statistics are there for further assertions). */
    public <T> PropertyResult<T> check(Property<T> property) {
        checks++;
        String id = property.name() == null ? testId : testId + "/" + property.name();
        PropertyResult<T> r = PropertyRunner.run(id, property, settings);
        System.out.print(summary(r));
        writeStatistics(r);
        if (allure) {
            AllureReporter.report(r);
        }
        if (r.failed()) {
            throw new PropertyFailure(r);
        }
        return r;
    }

    public Settings settings() {
        return settings;
    }

    public String testId() {
        return testId;
    }

    int checks() {
        return checks;
    }

    private static String summary(PropertyResult<?> r) {
        StringBuilder sb = new StringBuilder();
        sb.append("[prop] ").append(r.propertyId()).append(": ");
        if (r.replayedFrom() != null) {
            sb.append("replayed ").append(r.replayedFrom()).append(r.failed() ? ", FAILED" : ", passed");
        } else if (r.counterexample() != null) {
            sb.append("FALSIFIED at try ").append(r.counterexample().tryIndex()).append(" (seed ")
                    .append(r.settings().seed()).append(')');
        } else {
            sb.append(r.failed() ? "FAILED after " : "passed ").append(r.triesRun()).append(" tries (seed ")
                    .append(r.settings().seed()).append(')');
        }
        sb.append(" in ").append(TimeUnit.NANOSECONDS.toMillis(r.elapsedNanos())).append(" ms");
        if (r.stoppedByTime()) {
            sb.append(" (stopped by the time budget ").append(r.settings().timeBudget()).append(')');
        }
        sb.append('\n');
        if (!r.statistics().categories().isEmpty() || !r.statistics().coverage().isEmpty()) {
            sb.append(StatisticsText.render(r.propertyId(), r.statistics()));
        }
        return sb.toString();
    }

    private static void writeStatistics(PropertyResult<?> r) {
        Path file = Path.of("target", "prop-stats", ReplayCommand.baseName(r.propertyId()) + ".json");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, StatisticsJson.render(r.propertyId(), r.statistics()) + "\n");
        } catch (IOException e) {
            System.err.println("[prop] could not write " + file + ": " + e.getMessage());
        }
    }
}
