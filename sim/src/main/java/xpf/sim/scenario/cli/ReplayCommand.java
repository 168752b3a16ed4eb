package xpf.sim.scenario.cli;

import java.io.PrintWriter;
import java.util.List;
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
import xpf.sim.trace.TraceEvent;

/**
 * {@code xpf replay FILE}: runs a saved counterexample and shows, step by step, what was expected and what the
 * simulator did, and the trace around the first difference.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Run a saved scenario (e.g. a counterexample from the property suite or the fuzzer) and show "
                + "per step the expected and the actual outcome, where they differ, and the trace around the "
                + "first difference."},
        footer = {"", "Exit code: 0 no difference, 1 some step differs from its expectation, 2 bad input."})
public final class ReplayCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "a scenario file")
    String file;

    @Option(names = "--context", paramLabel = "N", defaultValue = "6",
            description = "trace events shown before the first differing step (default ${DEFAULT-VALUE})")
    int context;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (context < 0) {
            throw new UserError("replay: --context needs a count >= 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        Batch.Item it = Batch.one(file, spec.commandLine().getErr(), "replay");
        if (it == null) {
            return ExitCodes.BAD_INPUT;
        }
        ScenarioRunner.Run run = it.run();
        StringBuilder b = new StringBuilder();
        b.append("replay ").append(it.loaded().scenario().name()).append(" (").append(it.loaded().file())
                .append(")\n");
        ScenarioRunner.StepResult first = null;
        for (ScenarioRunner.StepResult r : run.steps()) {
            b.append('\n').append(CallFlow.stepHeader(r, CallFlow.opSummary(r, run.trace().eventsOfStep(r.index()))))
                    .append('\n');
            String expected = r.step().expect() == null ? "(none)" : CallFlow.expected(r.step().expect(), r);
            b.append("  expected: ").append(expected).append('\n');
            b.append("  actual:   ").append(r.outcome().summary()).append('\n');
            if (r.step().expect() == null) {
                b.append("  (not checked)\n");
            } else if (r.passed()) {
                b.append("  same\n");
            } else {
                for (String d : r.differences()) {
                    b.append("  DIFFERS ").append(d).append('\n');
                }
                if (first == null) {
                    first = r;
                }
            }
        }
        if (first != null) {
            b.append("\ntrace around the first difference (steps[").append(first.index()).append("]):\n");
            List<TraceEvent> all = run.trace().events();
            int start = -1;
            int end = all.size();
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).step() == first.index()) {
                    if (start < 0) {
                        start = i;
                    }
                    end = i + 1;
                }
            }
            int from = Math.max(0, (start < 0 ? all.size() : start) - context);
            for (int i = from; i < end; i++) {
                TraceEvent e = all.get(i);
                b.append(e.step() == first.index() ? "  > " : "    ").append(e.line()).append('\n');
            }
        }
        long differ = run.failures().size();
        b.append('\n').append(differ == 0 ? "no difference: every expectation holds"
                : differ + " of " + run.steps().size() + " step" + (run.steps().size() == 1 ? "" : "s")
                        + " differ").append('\n');
        out.print(b);
        out.flush();
        return differ == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** Registers {@code replay} with the CLI. */
    public static final class Provider extends CommandProvider {
        public Provider() {
            super(ReplayCommand::new, 12);
        }
    }
}
