package xpf.prop.gen;

/** Collection sizes: how likely another element is. */
final class Sizes {
    private Sizes() {
    }

    static void check(int minSize, int maxSize) {
        if (minSize < 0 || maxSize < minSize) {
            throw new IllegalArgumentException("sizes must satisfy 0 <= min <= max, got [" + minSize + ", " + maxSize + "]");
        }
    }

    /**
     * Probability of one more element past the minimum, for an average size like Hypothesis's default
     * (min(max(2·min, min+5), (min+max)/2)): geometric, so short collections are common and long ones happen.
     */
    static double continueProbability(int minSize, int maxSize) {
        double average = Math.min(Math.max(2.0 * minSize, minSize + 5.0), (minSize + (double) maxSize) / 2);
        double extra = average - minSize;
        return extra <= 0 ? 0 : extra / (extra + 1);
    }
}
