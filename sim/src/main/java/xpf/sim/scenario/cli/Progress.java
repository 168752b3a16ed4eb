package xpf.sim.scenario.cli;

import java.io.Console;
import java.io.PrintWriter;

/**
 * Progress of a long run on stderr: a live {@code \r} line on a terminal, else a line every {@code every} items.
 * Short runs (fewer than {@code every} items) print nothing.
 */
final class Progress {
    private final PrintWriter err;
    private final int total;
    private final int every;
    private final boolean tty;
    private final String label;

    Progress(PrintWriter err, String label, int total, int every) {
        this.err = err;
        this.label = label;
        this.total = total;
        this.every = every;
        this.tty = terminal();
    }

    void done(int n) {
        if (total < every) {
            return;
        }
        if (tty) {
            err.print("\r" + label + ": " + n + "/" + total);
            if (n == total) {
                err.print("\n");
            }
            err.flush();
        } else if (n % every == 0 || n == total) {
            err.println(label + ": " + n + "/" + total);
            err.flush();
        }
    }

    /** A terminal on stderr? JDK 22+ answers with Console.isTerminal(); on 21 a console exists only for a tty. */
    private static boolean terminal() {
        Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
