package xpf.prop.stateful;

import xpf.prop.WrapsFailure;

/**
 * A step of a scenario failed: says which step and which check, and carries the real failure as its cause (the
 * shrinker compares causes, see {@link WrapsFailure}).
 */
public final class ScenarioFailure extends AssertionError implements WrapsFailure {
    private static final long serialVersionUID = 1L;

    private final int step;

    ScenarioFailure(int step, String what, Throwable cause) {
        super("step " + (step + 1) + " " + what + ": " + cause, cause);
        this.step = step;
    }

    /** Zero-based index of the failing step. */
    public int step() {
        return step;
    }
}
