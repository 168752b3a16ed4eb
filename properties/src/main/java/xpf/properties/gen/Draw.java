package xpf.properties.gen;

import java.util.List;
import xpf.prop.Choices;

/**
 * Small helpers over {@link Choices} for hand-written generators: every decision is a recorded draw (so it shrinks
 * towards the simplest value: false, the first element, the lower bound) and replays.
 */
public final class Draw {
    private final Choices c;

    public Draw(Choices c) {
        this.c = c;
    }

    public Choices choices() {
        return c;
    }

    /** True with probability {@code p}; shrinks to false. */
    public boolean p(double p) {
        return c.coin(p);
    }

    /** An int in [lo, hi]; shrinks to lo. */
    public int range(int lo, int hi) {
        return lo + (int) c.choose(hi - lo);
    }

    /** A long in [lo, hi]; shrinks to lo. */
    public long rangeL(long lo, long hi) {
        return lo + c.choose(hi - lo);
    }

    /** One of the elements; shrinks to the first. */
    @SafeVarargs
    public final <T> T pick(T... xs) {
        return xs[c.index(xs.length)];
    }

    public <T> T pick(List<T> xs) {
        return xs.get(c.index(xs.size()));
    }

    /** An index chosen by weights (shrinks to 0: list the plainest first). */
    public int weighted(int... weights) {
        int total = 0;
        for (int w : weights) {
            total += Math.max(0, w);
        }
        if (total == 0) {
            return (int) c.forced(0);
        }
        long r = c.choose(total - 1);
        for (int i = 0; i < weights.length; i++) {
            int w = Math.max(0, weights[i]);
            if (r < w) {
                return i;
            }
            r -= w;
        }
        return weights.length - 1;
    }

    /** Runs {@code body} in a span labelled {@code label} (so the shrinker can delete or zero it as a whole). */
    public <T> T span(String label, java.util.function.Supplier<T> body) {
        c.startSpan(label);
        try {
            return body.get();
        } finally {
            c.endSpan();
        }
    }
}
