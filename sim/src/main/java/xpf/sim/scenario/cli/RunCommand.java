package xpf.sim.scenario.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import xpf.sim.cli.ExitCodes;
import xpf.sim.cli.UserError;
import xpf.sim.cli.CommandProvider;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.scenario.load.LoadedScenario;
import xpf.sim.scenario.load.ScenarioLoader;
import xpf.sim.trace.Trace;

/** {@code xpf run FILE|DIR...}: runs scenarios and checks their expectations (docs/scenario-format.md "CLI"). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run scenario files and check their expectations.",
            "Directories are searched for .yaml, .yml and .json files. One line per scenario (PASS/FAIL name (file),"
                + " then each difference), then 'N passed, N failed'."},
        footer = {"", "Exit code: 0 all passed, 1 an expectation failed, 2 bad input (FILE:LINE:COLUMN: path: message "
                + "on stderr, nothing on stdout).",
            "Example: ./xpf run conformance/scenarios/examples"})
public final class RunCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = "scenario files or directories")
    List<String> paths;

    @Option(names = "--json", description = "machine-readable results (one JSON document on stdout)")
    boolean json;

    @Option(names = "--bench", paramLabel = "N", description = "also load and run every scenario N more times "
            + "in-process and print the time per scenario on stderr")
    int bench;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (bench < 0) {
            throw new UserError("run: --bench needs a count >= 0");
        }
        List<Path> files = ScenarioFiles.expand(paths, "run");
        List<Batch.Item> items = Batch.loadAndRun(files, err, "run");
        if (items == null) {
            return ExitCodes.BAD_INPUT;
        }
        int passed = 0;
        int failed = 0;
        StringBuilder text = new StringBuilder();
        List<Object> results = new ArrayList<>();
        for (Batch.Item it : items) {
            ScenarioRunner.Run r = it.run();
            if (r.passed()) {
                passed++;
            } else {
                failed++;
            }
            text.append(r.passed() ? "PASS " : "FAIL ").append(it.loaded().scenario().name()).append(" (")
                    .append(it.loaded().file()).append(")\n");
            for (ScenarioRunner.StepResult s : r.failures()) {
                for (String d : s.differences()) {
                    text.append("  steps[").append(s.index()).append("] (line ").append(s.step().line())
                            .append("): ").append(d).append('\n');
                }
            }
            results.add(json(it));
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("results", results);
            doc.put("passed", passed);
            doc.put("failed", failed);
            out.println(toJson(doc));
        } else {
            out.print(text);
            out.println(passed + " passed, " + failed + " failed");
        }
        out.flush();
        if (bench > 0) {
            bench(items, err);
        }
        return failed == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private static Map<String, Object> json(Batch.Item it) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", it.loaded().scenario().name());
        m.put("file", it.loaded().file());
        m.put("passed", it.run().passed());
        List<Object> steps = new ArrayList<>();
        for (ScenarioRunner.StepResult s : it.run().steps()) {
            Map<String, Object> st = new LinkedHashMap<>();
            st.put("index", s.index());
            st.put("line", s.step().line());
            st.put("op", s.step().op().opName());
            st.put("outcome", s.outcome().outcomeClass().wireName());
            st.put("fields", s.outcome().fields());
            if (s.step().expect() != null) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("outcome", s.step().expect().outcome().wireName());
                e.put("fields", s.step().expect().fields());
                st.put("expected", e);
            } else {
                st.put("expected", null);
            }
            st.put("passed", s.passed());
            st.put("differences", s.differences());
            steps.add(st);
        }
        m.put("steps", steps);
        m.put("trace_sha256", it.run().trace().hash());
        return m;
    }

    static String toJson(Object doc) throws JsonProcessingException {
        return new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).writerWithDefaultPrettyPrinter()
                .writeValueAsString(doc);
    }

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    /** This thread's CPU time when the JVM measures it (other processes on a shared machine barely move it). */
    private static long now() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /**
     * Times load (parse + validate) and run (build + steps + trace) of every scenario, {@code bench} times each
     * after a warm-up, in CPU time of this thread (as {@code xpf bench} does). Reported on stderr; the clock never
     * touches results.
     */
    private void bench(List<Batch.Item> items, PrintWriter err) throws Exception {
        List<String> texts = new ArrayList<>();
        for (Batch.Item it : items) {
            texts.add(Files.readString(it.path()));
        }
        int warm = Math.max(1, bench / 5);
        long sink = 0;
        for (int w = 0; w < warm; w++) {
            for (int i = 0; i < items.size(); i++) {
                sink += ScenarioLoader.load(items.get(i).loaded().file(), texts.get(i)).run().steps().size();
            }
        }
        long loadNs = 0;
        long runNs = 0;
        for (int k = 0; k < bench; k++) {
            for (int i = 0; i < items.size(); i++) {
                long t0 = now();
                LoadedScenario ls = ScenarioLoader.load(items.get(i).loaded().file(), texts.get(i));
                long t1 = now();
                sink += ls.run(new Trace()).steps().size();
                long t2 = now();
                loadNs += t1 - t0;
                runNs += t2 - t1;
            }
        }
        double n = (double) bench * items.size();
        err.printf("bench: %d scenarios x %d runs (after %d warm-up rounds): load %.1f us, run %.1f us, "
                + "load+run %.1f us per scenario (%s; %d steps checked)%n", items.size(), bench, warm,
                loadNs / n / 1e3, runNs / n / 1e3, (loadNs + runNs) / n / 1e3,
                THREADS.isCurrentThreadCpuTimeSupported() ? "thread CPU time" : "wall time", sink);
        err.flush();
    }

    /** Registers {@code run} with the CLI. */
    public static final class Provider extends CommandProvider {
        public Provider() {
            super(RunCommand::new, 10);
        }
    }
}
