package xpf.prop;

/**
 * What makes two failures "the same" while shrinking: the class of the real failure. Accepting only candidates that
 * fail the same way keeps the shrinker from sliding from one bug to a different, simpler one.
 */
final class FailureSignature {
    private FailureSignature() {
    }

    static String of(Throwable t) {
        Throwable real = t;
        while (real instanceof WrapsFailure && real.getCause() != null) {
            real = real.getCause();
        }
        return real.getClass().getName();
    }
}
