package xpf.properties;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import xpf.properties.gen.Family;
import xpf.properties.paths.Catalogue;
import xpf.prop.PropertyResult;
import xpf.prop.stats.LabelCount;

/**
 * The suite's totals across its properties, per family: tries (scenarios), steps, steps the reference model
 * predicted and did not model (with the reasons), catalogue hits, known disagreements. Filled by the properties as
 * they run (thread-safe: the suite's properties run concurrently) and written as {@code target/catalogue.json} and a
 * text table, which docs/property-suite.md and the report use.
 */
public final class SuiteTotals {

    /** One family's counters. */
    public static final class Counts {
        public final AtomicLong steps = new AtomicLong();
        public final AtomicLong modelled = new AtomicLong();
        public final AtomicLong notModelled = new AtomicLong();
        public final Map<String, Long> reasons = new ConcurrentHashMap<>();
    }

    private static final Map<Family, Counts> COUNTS = new ConcurrentHashMap<>();
    private static final Map<String, PropertyResult<?>> RESULTS = new ConcurrentHashMap<>();
    private static final Map<String, Family> FAMILY_OF = new ConcurrentHashMap<>();

    private SuiteTotals() {
    }

    public static Counts of(Family f) {
        return COUNTS.computeIfAbsent(f, k -> new Counts());
    }

    /** Records one run's step counts (called from the property body). */
    static void add(Family f, SuiteRun.Report r) {
        Counts c = of(f);
        c.steps.addAndGet(r.steps());
        c.modelled.addAndGet(r.modelled());
        c.notModelled.addAndGet(r.notModelled());
        r.notModelledReasons().forEach((k, v) -> c.reasons.merge(k, (long) v, Long::sum));
    }

    /** Records a finished property and rewrites {@code target/catalogue.json}. */
    public static synchronized void record(Family f, PropertyResult<?> r) {
        RESULTS.put(r.propertyId(), r);
        FAMILY_OF.put(r.propertyId(), f);
        write(Path.of("target", "catalogue.json"));
    }

    /** The totals as JSON: per property tries, elapsed, catalogue table; per family the oracle's counts. */
    public static synchronized ObjectNode json() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        long tries = 0;
        ArrayNode props = root.putArray("properties");
        for (Map.Entry<String, PropertyResult<?>> e : new TreeMap<>(RESULTS).entrySet()) {
            PropertyResult<?> r = e.getValue();
            tries += r.triesRun();
            ObjectNode p = props.addObject();
            p.put("property", e.getKey());
            p.put("family", FAMILY_OF.get(e.getKey()).id());
            p.put("tries", r.triesRun());
            p.put("seed", r.settings().seed());
            p.put("elapsedMs", r.elapsedNanos() / 1_000_000);
            p.put("failed", r.failed());
            ObjectNode cat = p.putObject("catalogue");
            for (LabelCount lc : r.statistics().categories().getOrDefault(Catalogue.CATEGORY, java.util.List.of())) {
                ObjectNode row = cat.putObject(lc.label());
                row.put("tries", lc.count());
                row.put("percent", r.triesRun() == 0 ? 0 : 100.0 * lc.count() / r.triesRun());
            }
        }
        root.put("scenarios", tries);
        ObjectNode fam = root.putObject("families");
        for (Map.Entry<Family, Counts> e : new TreeMap<>(COUNTS).entrySet()) {
            Counts c = e.getValue();
            ObjectNode n = fam.putObject(e.getKey().id());
            n.put("steps", c.steps.get());
            n.put("modelled", c.modelled.get());
            n.put("notModelled", c.notModelled.get());
            ObjectNode rs = n.putObject("notModelledReasons");
            new TreeMap<>(c.reasons).forEach(rs::put);
        }
        ObjectNode paths = root.putObject("paths");
        for (Catalogue c : Catalogue.values()) {
            ObjectNode n = paths.putObject(c.label());
            n.put("suite", c.suite().name());
            n.put("minPercent", c.minPercent());
            n.put("description", c.description());
        }
        return root;
    }

    static void write(Path file) {
        try {
            Files.createDirectories(file.getParent());
            ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            Files.writeString(file, m.writeValueAsString(json()) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
