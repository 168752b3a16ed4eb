package xpf.sim.domain;

/**
 * The run reached a state the simulator does not model (for instance Xen would emulate an instruction the scenario
 * never described). Like {@link ScenarioError} it ends the run as a located harness error (exit 2, no stack trace)
 * instead of a guessed outcome or an exception from deep inside the model; the message starts with "not modelled:"
 * and says what Xen would do next.
 */
public final class NotModelled extends ScenarioError {
    private static final long serialVersionUID = 1L;

    public NotModelled(String path, String message) {
        super(path, "not modelled: " + message);
    }
}
