package xpf.prop.choice;

/** Draws fresh choices from a seeded {@link SplitMix64}; reseeded for every try. */
public final class RandomSource implements ChoiceSource {
    /** One draw in eight comes from a generator's edge cases when it has some. */
    private static final long EDGE_MASK = 7;

    private final SplitMix64 rng = new SplitMix64(0);

    public RandomSource reseed(long seed) {
        rng.reseed(seed);
        return this;
    }

    @Override
    public long next(long max) {
        return rng.nextBounded(max);
    }

    @Override
    public long next(long max, long[] edges) {
        if (edges.length != 0 && (rng.nextLong() & EDGE_MASK) == 0) {
            return edges[(int) rng.nextBounded(edges.length - 1)];
        }
        return rng.nextBounded(max);
    }

    @Override
    public boolean nextCoin(double p) {
        return rng.nextDouble() < p;
    }

    @Override
    public void skip() {
        // nothing to consume: forced choices use no randomness, so they never shift later draws
    }
}
