package xpf.prop.shrink;

import java.util.Arrays;

/** Array edits that build candidates; each returns a new array. */
public final class Edits {
    private Edits() {
    }

    public static long[] delete(long[] a, int from, int to) {
        long[] out = new long[a.length - (to - from)];
        System.arraycopy(a, 0, out, 0, from);
        System.arraycopy(a, to, out, from, a.length - to);
        return out;
    }

    public static long[] set(long[] a, int i, long v) {
        long[] out = a.clone();
        out[i] = v;
        return out;
    }

    public static long[] zero(long[] a, int from, int to) {
        long[] out = a.clone();
        Arrays.fill(out, from, to, 0L);
        return out;
    }

    /** Swaps the contents of {@code [s1, e1)} and {@code [s2, e2)}, where {@code e1 <= s2}; lengths may differ. */
    public static long[] swap(long[] a, int s1, int e1, int s2, int e2) {
        long[] out = new long[a.length];
        int k = 0;
        k = copy(a, 0, s1, out, k);
        k = copy(a, s2, e2, out, k);
        k = copy(a, e1, s2, out, k);
        k = copy(a, s1, e1, out, k);
        copy(a, e2, a.length, out, k);
        return out;
    }

    private static int copy(long[] src, int from, int to, long[] dst, int at) {
        System.arraycopy(src, from, dst, at, to - from);
        return at + (to - from);
    }
}
