package xpf.prop.choice;

/**
 * Where the choices come from: a seeded random generator, a recorded sequence, or fuzzer bytes.
 *
 * <p>A choice is an unsigned 64-bit number in {@code [0, max]}; 0 is always the simplest choice. Generators map
 * choices to values so that a smaller choice means a simpler value, which is what makes shrinking on the choice
 * sequence work for every generator. A source never records: {@link xpf.prop.Choices} does.
 */
public interface ChoiceSource {

    /** A choice in {@code [0, max]}, {@code max} read as unsigned ({@code -1} means the full 64 bits). */
    long next(long max);

    /**
     * Like {@link #next(long)}, but a random source picks one of {@code edges} (each in {@code [0, max]}) now and
     * then: this is how generators bias towards bounds, 0, ±1, powers of two and all-ones masks without an extra
     * recorded choice. Sources that replay ignore the hint.
     */
    long next(long max, long[] edges);

    /** A weighted coin, {@code true} with probability {@code p} (0 &lt; p &lt; 1). Recorded as 1 or 0. */
    boolean nextCoin(double p);

    /** A forced choice takes a slot in the sequence without drawing: replaying sources step over one entry. */
    void skip();
}
