package xpf.prop;

/** Thrown by {@link TryContext#assume(boolean)}: the try does not apply and is discarded, not failed. */
public final class Discard extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Discard(String why) {
        super(why, null, false, false);
    }
}
