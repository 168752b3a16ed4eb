package xpf.sim.scenario.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import xpf.sim.cli.ExitCodes;
import xpf.sim.cli.CommandProvider;

/** {@code xpf explain FILE}: the numbered call flow of each step of a scenario. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Run one scenario and print each step as a numbered call flow: the guest operation, the "
                + "hardware fault, VM exits, each Xen decision point under its C name (with file and version), "
                + "and the outcome, then whether the expectation holds."},
        footer = {"", "Exit code: 0 (also when an expectation does not hold: see 'replay'), 2 bad input.",
            "Example: ./xpf explain conformance/scenarios/examples/bare-rights-user-write.yaml"})
public final class ExplainCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "a scenario file")
    String file;

    @Option(names = "--trace", description = "print the raw trace (one event per line) instead")
    boolean raw;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Batch.Item it = Batch.one(file, spec.commandLine().getErr(), "explain");
        if (it == null) {
            return ExitCodes.BAD_INPUT;
        }
        out.print(raw ? it.run().trace().render() : CallFlow.explain(it.loaded(), it.run()));
        out.flush();
        return ExitCodes.OK;
    }

    /** Registers {@code explain} with the CLI. */
    public static final class Provider extends CommandProvider {
        public Provider() {
            super(ExplainCommand::new, 11);
        }
    }
}
