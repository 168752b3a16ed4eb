package xpf.conformance.reference.xen;

/**
 * Thrown when a step ends deep inside the model with an outcome that stops everything (a hypervisor panic while Xen
 * itself touches guest memory); {@link PvOracle} returns the outcome it carries. Control flow, no stack trace.
 */
final class Ended extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final transient Decided decided;

    Ended(Decided decided) {
        super(decided.reason(), null, false, false);
        this.decided = decided;
    }
}
