package xpf.prop.choice;

/**
 * SplitMix64 (Steele, Lea, Flood 2014): one 64-bit state, a fixed increment and a strong finaliser. Chosen because
 * it is tiny, fast, has no platform dependence and makes a good seed deriver ({@link Seeds}).
 */
public final class SplitMix64 {
    static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    public SplitMix64(long seed) {
        this.state = seed;
    }

    public void reseed(long seed) {
        this.state = seed;
    }

    public long nextLong() {
        return mix(state += GOLDEN_GAMMA);
    }

    /** A double in [0, 1) from the top 53 bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, max] (unsigned max), exact (Lemire's multiply-and-reject, no modulo bias). */
    public long nextBounded(long max) {
        if (max == -1L) {
            return nextLong();
        }
        long bound = max + 1;
        long r = nextLong();
        long lo = r * bound;
        if (Long.compareUnsigned(lo, bound) < 0) {
            long threshold = Long.remainderUnsigned(-bound, bound);
            while (Long.compareUnsigned(lo, threshold) < 0) {
                r = nextLong();
                lo = r * bound;
            }
        }
        return Math.unsignedMultiplyHigh(r, bound);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
