package xpf.sim.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
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

/** {@code xpf bench [--json] [--only NAME] [--seconds S]}: runs the registered benchmarks and prints their figures. */
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
        for (Benchmark b : benches) {
            err.println("xpf bench: running " + b.name() + " ...");
            err.flush();
            figures.addAll(b.run(seconds));
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

    /** Registers {@code bench} with the CLI. */
    public static final class Provider extends CommandProvider {
        public Provider() {
            super(BenchCommand::new, 80);
        }
    }
}
