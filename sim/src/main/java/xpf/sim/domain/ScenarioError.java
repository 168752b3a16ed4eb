package xpf.sim.domain;

/**
 * The scenario asks for something the simulated machine cannot be put in (e.g. a PV base table Xen refuses to
 * validate, a frame outside MAXPHYADDR, an op a domain kind does not support). Reported as bad input (exit 2) with
 * the field path, never as an outcome.
 */
public class ScenarioError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String path;

    public ScenarioError(String path, String message) {
        super(path == null || path.isEmpty() ? message : path + ": " + message);
        this.path = path;
    }

    public String path() {
        return path;
    }
}
