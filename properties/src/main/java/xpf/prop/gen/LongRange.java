package xpf.prop.gen;

import java.util.TreeSet;

/**
 * Maps choices to the integers of {@code [min, max]} so that choice 0 is the simplest value (0 when the range holds
 * it, else the bound nearest 0) and larger choices move away from it alternately upwards and downwards: 0, 1, -1,
 * 2, -2, ... Lowering a choice therefore moves the value towards 0 by magnitude, which is what shrinking wants.
 * The map is a bijection, so a uniform choice gives a uniform value. All arithmetic is unsigned, so the full
 * {@code long} range works.
 */
public final class LongRange {
    private final long min;
    private final long max;
    private final long target;
    /** Number of values above / below the target (unsigned). */
    private final long up;
    private final long down;
    private final long both;
    private final long maxChoice;
    private final long[] edgeChoices;

    public LongRange(long min, long max) {
        if (min > max) {
            throw new IllegalArgumentException("empty range [" + min + ", " + max + "]");
        }
        this.min = min;
        this.max = max;
        this.target = min > 0 ? min : max < 0 ? max : 0;
        this.up = max - target;
        this.down = target - min;
        this.both = Long.compareUnsigned(up, down) < 0 ? up : down;
        this.maxChoice = max - min;
        this.edgeChoices = edges();
    }

    public long min() {
        return min;
    }

    public long max() {
        return max;
    }

    /** The largest choice, unsigned ({@code max - min}). */
    public long maxChoice() {
        return maxChoice;
    }

    /** Choices of the edge cases: bounds, 0, ±1, bounds ±1, ±2^k and ±(2^k - 1) (all-ones masks) in range. */
    public long[] edgeChoices() {
        return edgeChoices;
    }

    public long valueOf(long choice) {
        if (Long.compareUnsigned(choice, 2 * both) <= 0) {
            if (choice == 0) {
                return target;
            }
            return (choice & 1) == 1 ? target + (choice >>> 1) + 1 : target - (choice >>> 1);
        }
        long beyond = choice - both;
        return Long.compareUnsigned(up, down) > 0 ? target + beyond : target - beyond;
    }

    public long choiceOf(long value) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(value + " is outside [" + min + ", " + max + "]");
        }
        if (value >= target) {
            long a = value - target;
            if (a == 0) {
                return 0;
            }
            return Long.compareUnsigned(a, both) <= 0 ? 2 * a - 1 : a + both;
        }
        long a = target - value;
        return Long.compareUnsigned(a, both) <= 0 ? 2 * a : a + both;
    }

    private long[] edges() {
        TreeSet<Long> values = new TreeSet<>();
        long[] fixed = {min, max, 0, 1, -1, min + 1, max - 1};
        for (long v : fixed) {
            addIfInRange(values, v);
        }
        for (int k = 1; k < 64; k++) {
            long p = 1L << k;
            addIfInRange(values, p);
            addIfInRange(values, p - 1);
            addIfInRange(values, -p);
            addIfInRange(values, -(p - 1));
        }
        addIfInRange(values, -1L >>> 1);
        // TreeSet of values, then sorted choices: a fixed order, independent of hashing.
        TreeSet<Long> choices = new TreeSet<>(Long::compareUnsigned);
        for (long v : values) {
            choices.add(choiceOf(v));
        }
        return choices.stream().mapToLong(Long::longValue).toArray();
    }

    private void addIfInRange(TreeSet<Long> values, long v) {
        // min+1 / max-1 may wrap at the extremes of long; the range test rejects the wrapped values.
        if (v >= min && v <= max) {
            values.add(v);
        }
    }
}
