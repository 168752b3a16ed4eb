package xpf.sim.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import xpf.sim.cli.ExitCodes;
import xpf.sim.cli.UserError;
import xpf.sim.cli.CommandProvider;
import xpf.sim.cli.Main;

/**
 * {@code xpf bench [--json] [--only NAME] [--seconds S] [--no-fork]}: runs the registered benchmarks and prints their
 * figures. With several benchmarks each runs in a child JVM: the benchmarks share the simulator's hot methods, and in
 * one JVM the first benchmark's JIT profile (e.g. the fuzz benchmark's many paging modes) shaped the compiled walker
 * the later ones measured (the matrix figure fell from 4.3 M/s alone to 0.6 M/s after the fuzz benchmark).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure throughput figures (walks/s, matrix cases/s, scenarios/s, property tries/s).",
            "Figures are machine-dependent: compare them as ratios within one run."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--json", description = "print one JSON object (keys: each figure, cores, jdk)")
    boolean json;

    @Option(names = "--only", paramLabel = "NAME", description = "run only this benchmark (e.g. walk)")
    String only;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "1.0",
            description = "measuring time per figure, after warm-up (default ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--fork", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "run each benchmark in a JVM of its own (with this JVM's options), as JMH does, so that one "
                    + "benchmark's JIT profile does not slow the next; --no-fork runs them all here "
                    + "(default ${DEFAULT-VALUE}; a single benchmark always runs here)")
    boolean fork;

    /** Internal: print each figure as one tab-separated line (the parent of a forked run reads them). */
    @Option(names = "--figures", hidden = true)
    boolean figureLines;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (seconds <= 0 || seconds > 600) {
            throw new UserError("bench: --seconds must be in (0, 600], got " + seconds);
        }
        List<Benchmark> benches = new ArrayList<>();
        ServiceLoader.load(Benchmark.class).forEach(benches::add);
        benches.sort(Comparator.comparing(Benchmark::name));
        if (only != null) {
            benches.removeIf(b -> !b.name().equals(only));
            if (benches.isEmpty()) {
                throw new UserError("bench: no benchmark named '" + only + "'");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<BenchFigure> figures = new ArrayList<>();
        boolean forked = fork && benches.size() > 1;
        for (Benchmark b : benches) {
            err.println("xpf bench: running " + b.name() + (forked ? " (own JVM) ..." : " ..."));
            err.flush();
            figures.addAll(forked ? runForked(b.name()) : b.run(seconds));
        }
        if (figureLines) {
            for (BenchFigure f : figures) {
                out.println(String.join("\t", f.key(), Double.toString(f.value()), f.unit(),
                        Double.toString(f.goal()), f.note().replace('\t', ' ').replace('\n', ' ')));
            }
            out.flush();
            return ExitCodes.OK;
        }
        if (json) {
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            for (BenchFigure f : figures) {
                n.put(f.key(), Math.round(f.value()));
            }
            n.put("cores", Runtime.getRuntime().availableProcessors());
            n.put("jdk", System.getProperty("java.version"));
            n.put("clock", Measure.cpuTime() ? "thread-cpu" : "wall");
            out.println(n.toString());
        } else {
            out.printf("%-24s %16s  %-12s %s%n", "figure", "value", "unit", "goal");
            for (BenchFigure f : figures) {
                out.printf("%-24s %,16.0f  %-12s %s%n", f.key(), f.value(), f.unit(),
                        f.goal() > 0 ? String.format("%s %,.0f", f.meetsGoal() ? "met:" : "NOT met:", f.goal()) : "-");
            }
            out.printf("%n%d cores, Java %s; rates per %s of the measuring thread%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                    Measure.cpuTime() ? "CPU-second" : "wall-clock second");
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** Runs one benchmark in a child JVM with this JVM's options and class path, and reads its figures. */
    private List<BenchFigure> runForked(String name) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // A debugger, agent or flight recording belongs to this JVM, not to its children.
            if (!arg.startsWith("-agentlib:") && !arg.startsWith("-javaagent:") && !arg.startsWith("-Xrunjdwp")
                    && !arg.startsWith("-XX:StartFlightRecording")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "bench", "--figures",
                "--only", name, "--seconds", Double.toString(seconds)));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            if (rc != 0) {
                throw new IllegalStateException("bench: the JVM running '" + name + "' exited with " + rc);
            }
            return parseFigures(text);
        } catch (IOException e) {
            throw new IllegalStateException("bench: could not start a JVM for '" + name + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("bench: interrupted while '" + name + "' ran", e);
        }
    }

    /** The figures of {@code --figures} output: key, value, unit, goal, note, tab-separated, one per line. */
    static List<BenchFigure> parseFigures(String text) {
        List<BenchFigure> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.strip().split("\t", 5);
            if (f.length != 5) {
                throw new IllegalStateException("bench: unexpected figure line from a forked run: " + line);
            }
            out.add(new BenchFigure(f[0], Double.parseDouble(f[1]), f[2], Double.parseDouble(f[3]), f[4]));
        }
        return out;
    }

    /** Registers {@code bench} with the CLI. */
    public static final class Provider extends CommandProvider {
        public Provider() {
            super(BenchCommand::new, 80);
        }
    }
}
