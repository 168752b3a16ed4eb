package xpf.conformance.reference.xen;

/** Thrown inside the reference model when a step reaches a case it does not model; becomes Prediction.notModelled. */
final class NotModelled extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotModelled(String why) {
        super(why, null, false, false);
    }
}
