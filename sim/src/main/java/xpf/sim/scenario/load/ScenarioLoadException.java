package xpf.sim.scenario.load;

import xpf.sim.cli.UserError;

/**
 * A scenario file is malformed, or asks for something the simulator cannot be put in. The message is the one line
 * the CLI prints: {@code FILE:LINE:COLUMN: field.path: message} (docs/scenario-format.md "Errors").
 */
public final class ScenarioLoadException extends UserError {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final Location location;
    private final String path;
    private final String problem;

    public ScenarioLoadException(String file, Location location, String path, String problem) {
        super(format(file, location, path, problem));
        this.file = file;
        this.location = location;
        this.path = path;
        this.problem = problem;
    }

    static String format(String file, Location location, String path, String problem) {
        return file + ":" + location.line() + ":" + location.column() + ": "
                + (path == null || path.isEmpty() ? "(document)" : path) + ": " + problem;
    }

    public String file() {
        return file;
    }

    public Location location() {
        return location;
    }

    /** The field path, e.g. {@code steps[3].expect.error_code}; empty for the document itself. */
    public String path() {
        return path;
    }

    /** The message without file, location and path. */
    public String problem() {
        return problem;
    }
}
