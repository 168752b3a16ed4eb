package xpf.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qameta.allure.Aggregator2;
import io.qameta.allure.ReportStorage;
import io.qameta.allure.core.Configuration;
import io.qameta.allure.core.LaunchResults;
import io.qameta.allure.entity.Status;
import io.qameta.allure.entity.TestResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import xpf.conformance.allure.ResultsFolder;
import xpf.conformance.allure.ScenarioLabels;

/**
 * The report's custom content, computed when the report is generated and written as {@code widgets/xpf.json} (the
 * overview widget) and {@code data/xpf.json} (the "xpf" tab), which the xpf report plugin's JavaScript renders:
 * <ul>
 * <li><b>outcome mix</b>: how many scenario results ended in each Xen outcome class (fixed, emulated, delivered,
 *     injected, #DF, triple fault, crash, panic ...), per epic (PV, HVM-SVM, HVM-VMX, HAP, x86), with the verdicts,
 *     and its trend over the previous reports ({@code history/xpf-trend.json});</li>
 * <li><b>coverage catalogue</b> of the property suite: every {@code xpf-coverage-*.json} of the results folder
 *     (the engine's statistics: each path with its count, rate and minimum, met or not);</li>
 * <li><b>rule coverage</b> of the corpus: rule tag → scenarios, from {@code xpf-rules.json} (which also lists the
 *     rules without a scenario) merged with the story labels of the results (each with its verdict);</li>
 * <li><b>performance</b>: the figures of {@code xpf-bench.json} ({@code ./xpf bench --json}), with their trend;</li>
 * <li><b>mutation score</b> (optional): {@code xpf-mutation.json}, written into the results folder by
 *     {@code .ci/mutation} (docs/mutation.md): the score per package of the last PIT run.</li>
 * </ul>
 */
public final class XpfContent implements Aggregator2 {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TREND_LENGTH = 20;

    private final List<Path> resultsDirectories;
    private final int buildOrder;

    XpfContent(List<Path> resultsDirectories, int buildOrder) {
        this.resultsDirectories = List.copyOf(resultsDirectories);
        this.buildOrder = buildOrder;
    }

    @Override
    public void aggregate(Configuration configuration, List<LaunchResults> launches, ReportStorage storage) {
        List<TestResult> results = new ArrayList<>();
        launches.forEach(l -> l.getResults().stream().filter(r -> !r.isHidden()).forEach(results::add));
        ObjectNode root = JSON.createObjectNode();
        root.put("buildOrder", buildOrder);
        Map<String, Integer> totals = new TreeMap<>();
        results.forEach(r -> totals.merge(r.getStatus() == null ? "unknown" : r.getStatus().value(), 1, Integer::sum));
        root.set("totals", JSON.valueToTree(totals));
        ObjectNode mix = outcomeMix(results);
        root.set("outcomeMix", mix);
        root.set("coverage", coverage());
        root.set("rules", rules(results));
        ObjectNode bench = bench();
        root.set("bench", bench);
        root.set("mutation", mutation());
        ArrayNode trend = trend(mix, bench);
        root.set("trend", trend);
        storage.addDataJson("widgets/xpf.json", root);
        storage.addDataJson("data/xpf.json", root);
        storage.addDataJson("history/xpf-trend.json", trend);
    }

    static ObjectNode outcomeMix(List<TestResult> results) {
        Map<String, Map<String, Integer>> byEpic = new TreeMap<>();
        Map<String, Map<String, Integer>> statusByEpic = new TreeMap<>();
        TreeSet<String> outcomes = new TreeSet<>();
        int scenarios = 0;
        for (TestResult r : results) {
            if (r.findOneLabel(ScenarioLabels.XEN).isEmpty()) {
                continue; // not a scenario result
            }
            String epic = r.findOneLabel("epic").orElse("other");
            statusByEpic.computeIfAbsent(epic, k -> new TreeMap<>())
                    .merge(r.getStatus() == null ? "unknown" : r.getStatus().value(), 1, Integer::sum);
            List<String> oc = r.findAllLabels(ScenarioLabels.OUTCOME);
            if (oc.isEmpty()) {
                continue; // broken before a step ended, or skipped: no outcome
            }
            scenarios++;
            for (String o : oc) {
                byEpic.computeIfAbsent(epic, k -> new TreeMap<>()).merge(o, 1, Integer::sum);
                outcomes.add(o);
            }
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("scenarios", scenarios);
        n.set("outcomes", JSON.valueToTree(ordered(outcomes)));
        n.set("byEpic", JSON.valueToTree(byEpic));
        n.set("statusByEpic", JSON.valueToTree(statusByEpic));
        Map<String, Integer> all = new TreeMap<>();
        byEpic.values().forEach(m -> m.forEach((k, v) -> all.merge(k, v, Integer::sum)));
        n.set("all", JSON.valueToTree(all));
        return n;
    }

    /** Outcome classes in the order of the seed mail: no fault, fixed, emulated, delivered/injected, the worse ones. */
    private static List<String> ordered(TreeSet<String> outcomes) {
        List<String> order = List.of("ok", "hypercall", "fixed", "emulated", "delivered", "injected", "exception",
                "double_fault", "triple_fault", "domain_crash", "panic");
        List<String> out = new ArrayList<>();
        order.stream().filter(outcomes::contains).forEach(out::add);
        outcomes.stream().filter(o -> !order.contains(o)).forEach(out::add);
        return out;
    }

    private ObjectNode coverage() {
        ArrayNode props = JSON.createArrayNode();
        int paths = 0;
        int met = 0;
        ArrayNode unmet = JSON.createArrayNode();
        for (Path f : files(ResultsFolder.COVERAGE_PREFIX + "*.json")) {
            JsonNode n = read(f);
            if (n == null) {
                continue;
            }
            props.add(n);
            for (JsonNode c : n.path("coverage")) {
                paths++;
                if (c.path("met").asBoolean()) {
                    met++;
                } else {
                    ObjectNode u = unmet.addObject();
                    u.put("property", n.path("property").asText());
                    u.put("label", c.path("label").asText());
                    u.put("count", c.path("count").asLong());
                    u.put("percent", c.path("percent").asDouble());
                    u.put("minPercent", c.path("minPercent").asDouble());
                }
            }
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("properties", props);
        out.put("paths", paths);
        out.put("met", met);
        out.set("unmet", unmet);
        return out;
    }

    private ObjectNode rules(List<TestResult> results) {
        Map<String, ObjectNode> rows = new LinkedHashMap<>();
        int declared = 0;
        for (Path f : files(ResultsFolder.RULES_FILE)) {
            JsonNode n = read(f);
            if (n == null) {
                continue;
            }
            for (JsonNode r : n.path("rules")) {
                ObjectNode row = rows.computeIfAbsent(r.path("rule").asText(), k -> newRow(k));
                declared++;
                if (r.has("title")) {
                    row.put("title", r.path("title").asText());
                }
                row.put("declared", true);
                for (JsonNode s : r.path("scenarios")) {
                    row.withArray("files").add(s.asText());
                }
            }
        }
        List<TestResult> sorted = new ArrayList<>(results);
        sorted.sort((a, b) -> String.valueOf(a.getName()).compareTo(String.valueOf(b.getName())));
        for (TestResult r : sorted) {
            if (r.findOneLabel(ScenarioLabels.XEN).isEmpty()) {
                continue; // only scenario results (any verdict) carry rule tags as stories
            }
            for (String story : r.findAllLabels("story")) {
                if (story.equals("untagged")) {
                    continue;
                }
                ObjectNode row = rows.computeIfAbsent(story, k -> newRow(k));
                ObjectNode s = row.withArray("results").addObject();
                s.put("name", r.getName());
                s.put("status", r.getStatus() == null ? "unknown" : r.getStatus().value());
            }
        }
        ArrayNode arr = JSON.createArrayNode();
        int covered = 0;
        ArrayNode missing = JSON.createArrayNode();
        for (ObjectNode row : rows.values()) {
            boolean has = row.path("files").size() > 0 || row.path("results").size() > 0;
            if (has) {
                covered++;
            } else {
                missing.add(row.path("rule").asText());
            }
            arr.add(row);
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("rows", arr);
        out.put("rules", rows.size());
        out.put("declared", declared);
        out.put("covered", covered);
        out.set("missing", missing);
        return out;
    }

    private static ObjectNode newRow(String rule) {
        ObjectNode row = JSON.createObjectNode();
        row.put("rule", rule);
        row.putArray("files");
        row.putArray("results");
        return row;
    }

    private ObjectNode bench() {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode figures = out.putArray("figures");
        for (Path f : files(ResultsFolder.BENCH_FILE)) {
            JsonNode n = read(f);
            if (n == null) {
                continue;
            }
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("cores") || e.getKey().equals("jdk")) {
                    out.set(e.getKey(), e.getValue());
                } else if (e.getValue().isNumber()) {
                    figures.addObject().put("key", e.getKey()).put("value", e.getValue().asDouble());
                }
            }
        }
        return out;
    }

    /** The last {@code xpf-mutation.json} of the results folders (.ci/mutation), or an empty object. */
    private JsonNode mutation() {
        JsonNode last = null;
        for (Path f : files(MUTATION_FILE)) {
            JsonNode n = read(f);
            if (n != null && n.path("mutants").isNumber()) {
                last = n;
            }
        }
        return last == null ? JSON.createObjectNode() : last;
    }

    static final String MUTATION_FILE = "xpf-mutation.json";

    private ArrayNode trend(ObjectNode mix, ObjectNode bench) {
        ArrayNode trend = JSON.createArrayNode();
        for (Path dir : resultsDirectories) {
            JsonNode previous = read(dir.resolve("history").resolve("xpf-trend.json"));
            if (previous != null && previous.isArray()) {
                previous.forEach(trend::add);
            }
        }
        ObjectNode now = JSON.createObjectNode();
        now.put("buildOrder", buildOrder);
        now.set("outcomes", mix.path("all"));
        ObjectNode figs = now.putObject("bench");
        bench.path("figures").forEach(f -> figs.put(f.path("key").asText(), f.path("value").asDouble()));
        trend.add(now);
        while (trend.size() > TREND_LENGTH) {
            trend.remove(0);
        }
        return trend;
    }

    private List<Path> files(String glob) {
        List<Path> out = new ArrayList<>();
        for (Path dir : resultsDirectories) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob)) {
                ds.forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + dir, e);
            }
        }
        out.sort(null);
        return out;
    }

    private static JsonNode read(Path f) {
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return JSON.readTree(f.toFile());
        } catch (IOException e) {
            System.err.println("xpf report: skipping " + f + " (not JSON: " + e.getMessage().lines().findFirst()
                    .orElse("") + ")");
            return null;
        }
    }

    static String statusName(Status s) {
        return s == null ? "unknown" : s.value().toLowerCase(Locale.ROOT);
    }
}
