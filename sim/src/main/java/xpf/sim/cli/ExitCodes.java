package xpf.sim.cli;

/** The exit codes every xpf command uses, so CI scripts can tell a failed check from a bad input. */
public final class ExitCodes {
    /** Everything ran and every check passed. */
    public static final int OK = 0;
    /** Everything ran, and at least one check failed (a Xen semantics violation or a failed expectation). */
    public static final int FAILED = 1;
    /** The input was wrong (unknown flag, malformed file, bad value); nothing was run and nothing was written. */
    public static final int BAD_INPUT = 2;
    /** The harness itself broke (a bug in xpf, not in the input or in the simulated Xen). */
    public static final int INTERNAL = 3;

    private ExitCodes() {
    }
}
