package xpf.sim.cli;

/**
 * A mistake in what the user gave us (a file, a flag, a line of input). The CLI prints the message alone, with no
 * stack trace, and exits with {@link ExitCodes#BAD_INPUT}. The message names where the mistake is: file, line,
 * column and field path when they are known.
 */
public class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
