package xpf.prop.choice;

/**
 * Thrown when one try draws more choices than its limit (a runaway recursive generator, or a shrink candidate
 * that misaligned a loop). The try is discarded, never reported as a property failure. No stack trace: it is
 * control flow, thrown often during shrinking.
 */
public final class Overrun extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Overrun(int limit) {
        super("a single try drew more than " + limit + " choices", null, false, false);
    }
}
