package xpf.prop.choice;

/**
 * Replays a recorded (or edited) choice sequence. A value too large for the current draw is clamped to the draw's
 * maximum, and a sequence that runs out yields 0, the simplest choice: so the shrinker may delete or lower any
 * entry and the generator still produces a value (lists end, integers go to their simplest value).
 */
public final class ReplaySource implements ChoiceSource {
    private final long[] choices;
    private int index;

    public ReplaySource(long[] choices) {
        this.choices = choices;
    }

    private long take() {
        return index < choices.length ? choices[index++] : nextAfterEnd();
    }

    private long nextAfterEnd() {
        index++;
        return 0;
    }

    @Override
    public long next(long max) {
        long v = take();
        return Long.compareUnsigned(v, max) > 0 ? max : v;
    }

    @Override
    public long next(long max, long[] edges) {
        return next(max);
    }

    @Override
    public boolean nextCoin(double p) {
        return next(1) == 1;
    }

    @Override
    public void skip() {
        index++;
    }

    /** How many entries were read, counting those past the end. */
    public int position() {
        return index;
    }
}
