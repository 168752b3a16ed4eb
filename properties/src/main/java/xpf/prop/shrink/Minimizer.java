package xpf.prop.shrink;

import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * Lowers one number (or several tied together) as far as the failure allows. Integer generators order values 0,
 * 1, -1, 2, -2, ... so the sign lives in the choice's parity: a plain binary search is not monotone there, hence a
 * second search over choices of the same parity, and a few linear probes just below the result.
 */
final class Minimizer {
    private static final int PROBES = 4;

    private Minimizer() {
    }

    /**
     * @param current   the number's value in the current best sequence, 0 once it no longer exists
     * @param candidate the current best with the number set to the argument, or null once it no longer exists
     */
    static void minimize(ShrinkState state, LongSupplier current, LongFunction<long[]> candidate) {
        if (current.getAsLong() == 0 || tryValue(state, candidate, 0) || state.exhausted()) {
            return;
        }
        binarySearch(state, current, candidate, false);
        binarySearch(state, current, candidate, true);
        for (int d = 1; d <= PROBES && !state.exhausted(); d++) {
            long now = current.getAsLong();
            if (Long.compareUnsigned(now, d) < 0) {
                break;
            }
            if (tryValue(state, candidate, now - d)) {
                d = 0; // improved: probe again below the new value
            }
        }
    }

    private static boolean tryValue(ShrinkState state, LongFunction<long[]> candidate, long value) {
        long[] c = candidate.apply(value);
        return c != null && state.consider(c);
    }

    /** Lowest accepted value under a monotonicity assumption; with {@code sameParity} over one parity only. */
    private static void binarySearch(ShrinkState state, LongSupplier current, LongFunction<long[]> candidate,
                                     boolean sameParity) {
        long start = current.getAsLong();
        long parity = sameParity ? start & 1 : 0;
        int shift = sameParity ? 1 : 0;
        if (sameParity && parity == 1 && tryValue(state, candidate, 1)) {
            return;
        }
        // Invariant: value(lo) was rejected (or is the 0/1 tried above), value(hi) is the current best.
        long lo = 0;
        long hi = start >>> shift;
        while (Long.compareUnsigned(hi - lo, 1) > 0 && !state.exhausted()) {
            long mid = lo + ((hi - lo) >>> 1);
            if (tryValue(state, candidate, (mid << shift) | parity)) {
                long now = current.getAsLong();
                if (sameParity && (now & 1) != parity) {
                    return;
                }
                hi = now >>> shift;
                if (Long.compareUnsigned(hi, lo) <= 0) {
                    return;
                }
            } else {
                lo = mid;
            }
        }
    }
}
