package xpf.conformance.matrix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A t-wise covering array over a {@link ParameterSpace}: a list of legal rows such that every combination of values
 * of any t parameters that some legal row contains appears in at least one row. Every rule of x86-paging.md §1.1c
 * involves at most about five flags, so t = 3..4 reaches the rule interactions of a full cross product in a few
 * hundred rows (x86-paging.md §2a, "what would make our suite better" item 7).
 *
 * <p>Greedy, AETG-style: each new row is the best of several candidates, each seeded from an uncovered combination and
 * completed value by value to cover the most uncovered combinations, keeping the row completable. Deterministic for a
 * seed.
 */
public final class CoveringArray {

    private static final int CANDIDATES = 10;

    private CoveringArray() {
    }

    /** The rows, and how many t-combinations they cover (all coverable ones). */
    public record Result(List<int[]> rows, long combinations) {
    }

    public static Result generate(ParameterSpace space, int t, long seed) {
        int k = space.parameters();
        if (t < 1 || t > k) {
            throw new IllegalArgumentException("t=" + t + " for " + k + " parameters");
        }
        int[][] combos = combinations(k, t);
        // Index of each t-tuple: combo index * (product of its sizes) + mixed-radix value index.
        long[] base = new long[combos.length + 1];
        for (int c = 0; c < combos.length; c++) {
            long n = 1;
            for (int p : combos[c]) {
                n *= space.size(p);
            }
            base[c + 1] = base[c] + n;
        }
        if (base[combos.length] > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many " + t + "-tuples: " + base[combos.length]);
        }
        int total = (int) base[combos.length];
        BitSet uncovered = new BitSet(total);
        int[] partial = new int[k];
        for (int c = 0; c < combos.length; c++) {
            int[] ps = combos[c];
            int n = (int) (base[c + 1] - base[c]);
            for (int v = 0; v < n; v++) {
                Arrays.fill(partial, -1);
                decode(space, ps, v, partial);
                if (space.completable(partial)) {
                    uncovered.set((int) (base[c] + v));
                }
            }
        }
        long coverable = uncovered.cardinality();
        int[][] byParam = combosByParameter(k, combos);
        SplittableRandom rnd = new SplittableRandom(seed);
        List<int[]> rows = new ArrayList<>();
        while (!uncovered.isEmpty()) {
            int[] best = null;
            int bestScore = -1;
            for (int cand = 0; cand < CANDIDATES; cand++) {
                int[] row = candidate(space, combos, byParam, base, uncovered, rnd, total);
                int score = score(space, combos, base, uncovered, row);
                if (score > bestScore) {
                    best = row;
                    bestScore = score;
                }
            }
            if (bestScore <= 0) {
                throw new IllegalStateException("covering-array construction made no progress");
            }
            mark(space, combos, base, uncovered, best);
            rows.add(best);
        }
        return new Result(rows, coverable);
    }

    /** A legal row that covers a random uncovered tuple and then, parameter by parameter, as many more as it can. */
    private static int[] candidate(ParameterSpace space, int[][] combos, int[][] byParam, long[] base,
            BitSet uncovered, SplittableRandom rnd, int total) {
        int k = space.parameters();
        int[] row = new int[k];
        Arrays.fill(row, -1);
        int pick = uncovered.nextSetBit(rnd.nextInt(total));
        if (pick < 0) {
            pick = uncovered.nextSetBit(0);
        }
        int c = findCombo(base, pick);
        decode(space, combos[c], (int) (pick - base[c]), row);
        int[] order = shuffled(k, rnd);
        for (int p : order) {
            if (row[p] >= 0) {
                continue;
            }
            int bestV = -1;
            int bestGain = -1;
            int start = rnd.nextInt(space.size(p));
            for (int dv = 0; dv < space.size(p); dv++) {
                int v = (start + dv) % space.size(p);
                row[p] = v;
                if (!space.completable(row)) {
                    continue;
                }
                int gain = partialGain(space, combos, byParam[p], base, uncovered, row);
                if (gain > bestGain) {
                    bestGain = gain;
                    bestV = v;
                }
            }
            if (bestV < 0) {
                throw new IllegalStateException("no completable value for " + space.name(p));
            }
            row[p] = bestV;
        }
        if (!space.legal(row)) {
            throw new IllegalStateException("completable() and legal() disagree on " + Arrays.toString(row));
        }
        return row;
    }

    /** Uncovered tuples that become covered by fixing {@code p}, counting only tuples whose parameters are all set. */
    private static int partialGain(ParameterSpace space, int[][] combos, int[] withP, long[] base,
            BitSet uncovered, int[] row) {
        int gain = 0;
        for (int c : withP) {
            int[] ps = combos[c];
            boolean complete = true;
            for (int q : ps) {
                complete &= row[q] >= 0;
            }
            if (complete && uncovered.get((int) (base[c] + encode(space, ps, row)))) {
                gain++;
            }
        }
        return gain;
    }

    /** For each parameter, the indices of the combinations that contain it. */
    private static int[][] combosByParameter(int k, int[][] combos) {
        int[] counts = new int[k];
        for (int[] ps : combos) {
            for (int p : ps) {
                counts[p]++;
            }
        }
        int[][] out = new int[k][];
        for (int p = 0; p < k; p++) {
            out[p] = new int[counts[p]];
        }
        int[] fill = new int[k];
        for (int c = 0; c < combos.length; c++) {
            for (int p : combos[c]) {
                out[p][fill[p]++] = c;
            }
        }
        return out;
    }

    private static int score(ParameterSpace space, int[][] combos, long[] base, BitSet uncovered, int[] row) {
        int s = 0;
        for (int c = 0; c < combos.length; c++) {
            if (uncovered.get((int) (base[c] + encode(space, combos[c], row)))) {
                s++;
            }
        }
        return s;
    }

    private static void mark(ParameterSpace space, int[][] combos, long[] base, BitSet uncovered, int[] row) {
        for (int c = 0; c < combos.length; c++) {
            uncovered.clear((int) (base[c] + encode(space, combos[c], row)));
        }
    }

    /** Checks that {@code rows} cover every completable t-tuple; returns the number of uncovered ones. */
    public static long uncovered(ParameterSpace space, int t, List<int[]> rows) {
        int k = space.parameters();
        int[][] combos = combinations(k, t);
        long missing = 0;
        int[] partial = new int[k];
        for (int[] ps : combos) {
            int n = 1;
            for (int p : ps) {
                n *= space.size(p);
            }
            BitSet seen = new BitSet(n);
            for (int[] r : rows) {
                seen.set(encode(space, ps, r));
            }
            for (int v = 0; v < n; v++) {
                if (!seen.get(v)) {
                    Arrays.fill(partial, -1);
                    decode(space, ps, v, partial);
                    if (space.completable(partial)) {
                        missing++;
                    }
                }
            }
        }
        return missing;
    }

    private static int encode(ParameterSpace space, int[] ps, int[] row) {
        int v = 0;
        for (int p : ps) {
            v = v * space.size(p) + row[p];
        }
        return v;
    }

    private static void decode(ParameterSpace space, int[] ps, int v, int[] row) {
        for (int i = ps.length - 1; i >= 0; i--) {
            int sz = space.size(ps[i]);
            row[ps[i]] = v % sz;
            v /= sz;
        }
    }

    private static int findCombo(long[] base, int index) {
        int lo = 0;
        int hi = base.length - 2;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (base[mid] <= index) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private static int[] shuffled(int k, SplittableRandom rnd) {
        int[] a = new int[k];
        for (int i = 0; i < k; i++) {
            a[i] = i;
        }
        for (int i = k - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int x = a[i];
            a[i] = a[j];
            a[j] = x;
        }
        return a;
    }

    static int[][] combinations(int k, int t) {
        List<int[]> out = new ArrayList<>();
        int[] c = new int[t];
        for (int i = 0; i < t; i++) {
            c[i] = i;
        }
        while (true) {
            out.add(c.clone());
            int i = t - 1;
            while (i >= 0 && c[i] == k - t + i) {
                i--;
            }
            if (i < 0) {
                break;
            }
            c[i]++;
            for (int j = i + 1; j < t; j++) {
                c[j] = c[j - 1] + 1;
            }
        }
        return out.toArray(new int[0][]);
    }
}
