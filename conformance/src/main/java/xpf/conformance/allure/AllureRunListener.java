package xpf.conformance.allure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Leaves a Maven test run's facts in the shared results folder, so that even a plain {@code ./mvnw -B -N allure:report}
 * shows categories, environment and trends. Registered through {@code META-INF/services} in this module, so it runs
 * in the test JVM of every module that has conformance on its test class path (conformance, properties, reports).
 *
 * <p>At session start: writes categories.json, and copies the previous report's history
 * ({@code <root>/target/allure-report/history}) into the results unless they already have one. At session end:
 * writes this module's run record (JDK, git commit, the Xen profiles and vendors of the scenarios recorded, the
 * {@code prop.seed}/{@code prop.tries} given to the build, and anything suites added to {@link RunFacts}) and
 * re-merges environment.properties. It also carries the property suite's coverage catalogue into the results: the
 * property engine writes each property's statistics to {@code target/prop-stats/*.json} of its module; those of the
 * Xen property suites (property ids in package {@code xpf.properties}, not the engine's self-tests; the
 * {@code xpf.coverage.include} property overrides the pattern) written during this session are copied as
 * {@code xpf-coverage-<property>.json}. Does nothing unless surefire set {@code allure.results.directory}.
 */
public final class AllureRunListener implements LauncherSessionListener {

    private static final ObjectMapper JSON = new ObjectMapper();
    private long openedMillis;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        openedMillis = System.currentTimeMillis() - 2000; // file times may be coarse
        Path results = results();
        if (results == null) {
            return;
        }
        try {
            ResultsFolder.writeCategories(results);
            if (!Files.isDirectory(results.resolve("history"))) {
                ResultsFolder.copyHistory(root().resolve("target").resolve("allure-report"), results);
            }
        } catch (RuntimeException e) {
            System.err.println("xpf: could not prepare " + results + ": " + e.getMessage());
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        Path results = results();
        if (results == null) {
            return;
        }
        try {
            Map<String, String> entries = new LinkedHashMap<>(RunFacts.entries());
            String seed = System.getProperty("prop.seed", "");
            String tries = System.getProperty("prop.tries", "");
            if (!seed.isBlank()) {
                entries.merge(Environment.SEED, seed, (a, b) -> a + ", " + b);
            }
            if (!tries.isBlank()) {
                entries.merge(Environment.TRIES, tries, (a, b) -> a + ", " + b);
            }
            copyCoverage(Path.of("target", "prop-stats"), results);
            String module = Path.of("").toAbsolutePath().getFileName().toString();
            Environment.writeRunRecord(results, "maven-" + module, root(), entries);
            Environment.write(results, Map.of());
        } catch (RuntimeException e) {
            System.err.println("xpf: could not write the run record into " + results + ": " + e.getMessage());
        }
    }

    /** Copies this session's statistics files of the Xen property suites into the results folder. */
    void copyCoverage(Path statsDir, Path results) {
        if (!Files.isDirectory(statsDir)) {
            return;
        }
        Pattern include = Pattern.compile(System.getProperty("xpf.coverage.include", "xpf\\.properties\\..*"));
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(statsDir, "*.json")) {
            for (Path f : ds) {
                if (Files.getLastModifiedTime(f).toMillis() < openedMillis) {
                    continue; // from an earlier run
                }
                JsonNode n = JSON.readTree(f.toFile());
                String property = n.path("property").asText("");
                if (include.matcher(property).matches()) {
                    ResultsFolder.writeCoverage(results, property, Files.readString(f));
                }
            }
        } catch (IOException e) {
            System.err.println("xpf: could not copy property statistics from " + statsDir + ": " + e.getMessage());
        }
    }

    private static Path results() {
        String p = System.getProperty("allure.results.directory");
        return p == null || p.isBlank() ? null : Path.of(p);
    }

    private static Path root() {
        String r = System.getProperty("xpf.root");
        return Path.of(r == null || r.isBlank() ? "." : r);
    }
}
