package xpf.conformance.bugs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import xpf.model.scenario.Scenario;
import xpf.sim.domain.ScenarioError;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.xen.BugSwitch;

/**
 * The corpus side of issue 8 §4: the whole corpus run with one seeded bug switch added to every scenario's
 * {@code bugs}, which must make at least one scenario's expectations fail. A switch nothing detects is a hole in the
 * corpus. The time to first detection is measured in-process from the start of the pass to the end of the first
 * failing file, in corpus order (scenarios loaded beforehand), so it says how soon the corpus catches the bug. It is
 * the test thread's CPU time (as {@code ./xpf run --bench} measures), so other load on a shared machine barely moves it.
 */
public final class BugSwitchCorpus {

    /** A corpus file, loaded once; {@code name} is its path relative to the corpus folder. */
    public record Entry(String name, Scenario scenario) {
    }

    /** One file's verdict under a switch: its expectation differences, or the error that stopped it. */
    public record FileResult(String name, List<String> differences, String error) {
        public boolean detected() {
            return error == null && !differences.isEmpty();
        }
    }

    /**
     * One switch over the whole corpus.
     *
     * @param detecting      the files whose expectations failed, in corpus order
     * @param errors         files that could not run with the switch on (file → message): not detections
     * @param firstNanos     nanoseconds from the start of the pass to the first detection, or -1
     * @param totalNanos     the whole pass
     * @param firstDifference the first detecting file's first difference, for the table
     */
    public record Detection(BugSwitch bug, List<String> detecting, Map<String, String> errors, long firstNanos,
            long totalNanos, String firstDifference) {
        public boolean detected() {
            return !detecting.isEmpty();
        }
    }

    private BugSwitchCorpus() {
    }

    /** Runs one scenario with {@code extra} added to its own switches. */
    public static FileResult run(Entry e, List<String> extra) {
        List<String> bugs = new ArrayList<>(e.scenario().bugs());
        for (String b : extra) {
            if (!bugs.contains(b)) {
                bugs.add(b);
            }
        }
        try {
            ScenarioRunner.Run run = ScenarioRunner.run(e.scenario().withBugs(bugs));
            List<String> diffs = new ArrayList<>();
            for (ScenarioRunner.StepResult r : run.failures()) {
                for (String d : r.differences()) {
                    diffs.add("steps[" + r.index() + "] (line " + r.step().line() + "): " + d);
                }
            }
            return new FileResult(e.name(), diffs, null);
        } catch (ScenarioError ex) {
            return new FileResult(e.name(), List.of(), ex.getMessage());
        }
    }

    /** The whole corpus, in order, with {@code bug} on. */
    public static Detection detect(List<Entry> corpus, BugSwitch bug) {
        List<String> detecting = new ArrayList<>();
        Map<String, String> errors = new LinkedHashMap<>();
        long start = cpuNanos();
        long first = -1;
        String firstDiff = null;
        for (Entry e : corpus) {
            FileResult r = run(e, List.of(bug.id()));
            if (r.detected()) {
                if (first < 0) {
                    first = cpuNanos() - start;
                    firstDiff = r.differences().get(0);
                }
                detecting.add(e.name());
            } else if (r.error() != null) {
                errors.put(e.name(), r.error());
            }
        }
        return new Detection(bug, detecting, errors, first, cpuNanos() - start, firstDiff);
    }

    /** The current thread's CPU time (wall time where the JVM cannot measure it). */
    static long cpuNanos() {
        java.lang.management.ThreadMXBean t = java.lang.management.ManagementFactory.getThreadMXBean();
        return t.isCurrentThreadCpuTimeSupported() ? t.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /** The markdown table of docs/bug-switches.md: switch → detecting files → time to first detection. */
    public static String table(List<Detection> ds, int corpusSize) {
        StringBuilder sb = new StringBuilder();
        sb.append("| Switch | Path | Detecting files (").append(corpusSize).append(" in the corpus) | First detection "
                + "| CPU time to first detection | Whole pass (CPU) |\n");
        sb.append("|---|---|---|---|---|---|\n");
        for (Detection d : ds) {
            sb.append("| `").append(d.bug().id()).append("` | ").append(d.bug().path()).append(" | ");
            if (d.detected()) {
                sb.append(d.detecting().size()).append(": ");
                sb.append(String.join(", ", d.detecting().stream().map(f -> "`" + f + "`").toList()));
                sb.append(" | `").append(d.detecting().get(0)).append("` | ").append(ms(d.firstNanos()));
            } else {
                sb.append("**none** | — | —");
            }
            sb.append(" | ").append(ms(d.totalNanos())).append(" |\n");
        }
        return sb.toString();
    }

    /** The catalogue table of docs/bug-switches.md, from {@link xpf.sim.scenario.BugSwitches}. */
    public static String catalogue(List<BugSwitch> all) {
        StringBuilder sb = new StringBuilder();
        sb.append("| Switch | Path | What it re-creates | Source | Where it acts |\n");
        sb.append("|---|---|---|---|---|\n");
        for (BugSwitch b : all) {
            sb.append("| `").append(b.id()).append("` | ").append(b.path()).append(" | ").append(cell(b.description()))
                    .append(" | ").append(cell(b.source())).append(" | ").append(cell(b.where())).append(" |\n");
        }
        return sb.toString();
    }

    private static String cell(String s) {
        return s.replace("|", "\\|");
    }

    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }

    /** A corpus path as the table names it: relative to the corpus folder, with forward slashes. */
    public static String name(Path corpus, Path file) {
        return corpus.relativize(file).toString().replace('\\', '/');
    }
}
