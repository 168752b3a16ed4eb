package xpf.sim.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code ./xpf}. Subcommands come from {@link XpfSubcommand} providers on the class path.
 *
 * <p>Error policy (DEVELOPERS.md "clear errors for bad input"): a {@link UserError} or a picocli parameter error
 * prints one message on stderr and exits 2 without a stack trace; any other exception is a harness bug, printed with
 * its stack trace, exit 3. Results go to stdout, progress and errors to stderr.
 */
@Command(name = "xpf", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Xen page-fault simulator and conformance harness.", ""},
        commandListHeading = "%nCommands:%n",
        footer = {"", "Exit codes: 0 all passed, 1 a check failed, 2 bad input, 3 internal error.",
                "Documentation: README.md and docs/ in the repository."})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams and returns the exit code (tests call this instead of {@link #main}). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = commandLine();
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable cause = ex;
            while (cause != null && !(cause instanceof UserError)) {
                cause = cause.getCause();
            }
            if (cause != null) {
                commandLine.getErr().println("xpf: " + cause.getMessage());
                commandLine.getErr().flush();
                return ExitCodes.BAD_INPUT;
            }
            commandLine.getErr().println("xpf: internal error (a bug in xpf, please report it with the command line):");
            ex.printStackTrace(commandLine.getErr());
            commandLine.getErr().flush();
            return ExitCodes.INTERNAL;
        });
        cli.setParameterExceptionHandler((ex, args1) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("xpf: " + ex.getMessage());
            c.getErr().println("Try 'xpf " + (c == cli ? "" : c.getCommandName() + " ") + "--help'.");
            c.getErr().flush();
            return ExitCodes.BAD_INPUT;
        });
        int rc = cli.execute(args);
        out.flush();
        err.flush();
        return rc;
    }

    /** The command tree with every subcommand found on the class path, in a stable order. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        List<XpfSubcommand> subs = new ArrayList<>();
        ServiceLoader.load(XpfSubcommand.class).forEach(subs::add);
        subs.sort(Comparator.comparingInt(XpfSubcommand::order).thenComparing(XpfSubcommand::name));
        for (XpfSubcommand s : subs) {
            cli.addSubcommand(s.name(), s.command());
        }
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"xpf " + (v == null ? "(development build)" : v),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
