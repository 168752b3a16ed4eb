package xpf.prop;

/**
 * A filter or an assumption rejected too many values in a row. Inside one try it discards the try; when a run
 * discards too many tries the property ends with this message, so the author learns which filter starves it.
 */
public final class TooManyRejections extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TooManyRejections(String message) {
        super(message, null, false, false);
    }
}
