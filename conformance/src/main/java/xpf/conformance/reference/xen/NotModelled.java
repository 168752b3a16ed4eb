package xpf.conformance.reference.xen;

/**
 * Thrown anywhere inside the reference model (PV and HVM) when a step reaches a case the reference does not decide (a rule missing from
 * ../shared/reference/, or state the view does not carry); the oracle turns it into
 * {@link Prediction#notModelled}. No stack trace: it is control flow, not an error.
 */
final class NotModelled extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotModelled(String why) {
        super(why, null, false, false);
    }
}
