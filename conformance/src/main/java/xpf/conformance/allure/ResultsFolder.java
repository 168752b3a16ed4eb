package xpf.conformance.allure;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The one Allure results folder of a run ({@code target/allure-results} at the repository root) and the xpf files
 * that go into it beside the results:
 * <ul>
 * <li>{@code categories.json}: Xen semantics violated (failed) / harness or scenario error (broken) / configuration
 *     not applicable (skipped), like XTF's FAILURE / ERROR / SKIP;</li>
 * <li>{@code environment.properties} and the run records (see {@link Environment});</li>
 * <li>{@code history/}: copied from the previous report so the trend charts continue;</li>
 * <li>the report's custom content: {@code xpf-coverage-<property>.json} (a property's statistics and coverage, the
 *     property engine's StatisticsJson format), {@code xpf-rules.json} (the corpus's rule → scenarios table) and
 *     {@code xpf-bench.json} (the output of {@code ./xpf bench --json}).</li>
 * </ul>
 */
public final class ResultsFolder {

    public static final String COVERAGE_PREFIX = "xpf-coverage-";
    public static final String RULES_FILE = "xpf-rules.json";
    public static final String BENCH_FILE = "xpf-bench.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One category of categories.json. */
    public record Category(String name, String description, List<String> statuses, String messageRegex) {
    }

    /**
     * The categories, first match wins: isolation breaks and panics first (they are the worst Xen violations), then
     * any other failed check, then broken, then skipped.
     */
    public static final List<Category> CATEGORIES = List.of(
            new Category("Xen semantics violated: isolation break or hypervisor panic",
                    "A check failed and the failure names a panic, an isolation invariant or an XSA: a guest could "
                            + "crash Xen or reach memory it does not own.",
                    List.of("failed"), "(?is).*\\b(panic|isolation|xsa-?\\d+)\\b.*"),
            new Category("Xen semantics violated",
                    "A check failed: the simulated Xen (or x86) did something other than the expectation or the "
                            + "reference model says (XTF: FAILURE).",
                    List.of("failed"), null),
            new Category("Harness or scenario error",
                    "The harness or the scenario broke before a verdict: an exception, a malformed scenario, a "
                            + "precondition that does not hold (XTF: ERROR).",
                    List.of("broken"), null),
            new Category("Configuration not applicable",
                    "The scenario or property does not apply to this configuration (profile, vendor, CPU feature) "
                            + "(XTF: SKIP).",
                    List.of("skipped"), null));

    private ResultsFolder() {
    }

    /**
     * The results folder: the {@code allure.results.directory} system property (surefire sets it for every module),
     * else {@code <root>/target/allure-results} with root = the {@code xpf.root} property or the working directory.
     */
    public static Path resolve() {
        String p = System.getProperty("allure.results.directory");
        if (p != null && !p.isBlank()) {
            return Path.of(p);
        }
        String root = System.getProperty("xpf.root");
        return Path.of(root == null || root.isBlank() ? "." : root).resolve("target").resolve("allure-results");
    }

    /** Writes categories.json (always the same content; safe to rewrite from every run). */
    public static void writeCategories(Path results) {
        ArrayNode arr = JSON.createArrayNode();
        for (Category c : CATEGORIES) {
            ObjectNode n = arr.addObject();
            n.put("name", c.name());
            n.put("description", c.description());
            ArrayNode st = n.putArray("matchedStatuses");
            c.statuses().forEach(st::add);
            if (c.messageRegex() != null) {
                n.put("messageRegex", c.messageRegex());
            }
        }
        write(results.resolve("categories.json"), arr);
    }

    /**
     * Copies {@code previousReport/history} (or a history folder itself: one holding {@code history.json}) into
     * {@code results/history}, replacing files of the same name, so the next report continues the trends. Returns
     * false when there is no history there.
     */
    public static boolean copyHistory(Path previousReportOrHistory, Path results) {
        Path src = previousReportOrHistory.resolve("history");
        if (!Files.isDirectory(src)) {
            // a history folder itself (e.g. the one a CI keeps between runs): it holds history.json
            src = previousReportOrHistory;
            if (!Files.isRegularFile(src.resolve("history.json"))
                    && !Files.isRegularFile(src.resolve("history-trend.json"))) {
                return false;
            }
        }
        Path dst = results.resolve("history");
        try {
            Files.createDirectories(dst);
            try (Stream<Path> files = Files.list(src)) {
                for (Path f : files.toList()) {
                    if (Files.isRegularFile(f)) {
                        Files.copy(f, dst.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy history from " + src + " to " + dst, e);
        }
        return true;
    }

    /** Writes a property's statistics (the engine's StatisticsJson text) as {@code xpf-coverage-<property>.json}. */
    public static Path writeCoverage(Path results, String propertyId, String statisticsJson) {
        Path f = results.resolve(COVERAGE_PREFIX + propertyId.replaceAll("[^A-Za-z0-9._-]", "_") + ".json");
        try {
            Files.createDirectories(results);
            Files.writeString(f, statisticsJson.strip() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + f, e);
        }
        return f;
    }

    /**
     * Writes the corpus's rule-coverage table ({@code xpf-rules.json}): for each rule tag of the reference docs (in
     * the order given), its title and the scenario files tagged with it (an empty list is a rule without scenario).
     */
    public static Path writeRuleCoverage(Path results, Map<String, String> titles, Map<String, List<String>> scenarios) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode rules = root.putArray("rules");
        java.util.LinkedHashSet<String> keys = new java.util.LinkedHashSet<>(titles.keySet());
        keys.addAll(scenarios.keySet());
        for (String rule : keys) {
            ObjectNode r = rules.addObject();
            r.put("rule", rule);
            if (titles.get(rule) != null) {
                r.put("title", titles.get(rule));
            }
            ArrayNode s = r.putArray("scenarios");
            scenarios.getOrDefault(rule, List.of()).forEach(s::add);
        }
        Path f = results.resolve(RULES_FILE);
        write(f, root);
        return f;
    }

    /** Stores the JSON printed by {@code ./xpf bench --json} as {@code xpf-bench.json}. */
    public static Path writeBench(Path results, String benchJson) {
        Path f = results.resolve(BENCH_FILE);
        try {
            JSON.readTree(benchJson); // must be JSON
            Files.createDirectories(results);
            Files.writeString(f, benchJson.strip() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + f + " (is it the output of ./xpf bench --json?)", e);
        }
        return f;
    }

    private static void write(Path f, Object tree) {
        try {
            Files.createDirectories(f.getParent());
            Files.writeString(f, JSON.writeValueAsString(tree) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + f, e);
        }
    }
}
