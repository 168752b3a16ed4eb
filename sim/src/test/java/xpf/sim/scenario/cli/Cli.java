package xpf.sim.scenario.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import xpf.sim.cli.Main;

/** Runs the real CLI in-process and captures what it prints. */
record Cli(int exit, String out, String err) {
    static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Cli(rc, out.toString(), err.toString());
    }

    /** Signs that a stack trace leaked into the output. */
    boolean hasStackTrace() {
        return err.contains("\tat ") || err.contains("Exception") || out.contains("\tat ");
    }
}
