package xpf.model.x86;

/**
 * The key range of a sorted map over {@code long} keys and of its sub-maps, {@code [lo, hi)} with {@code fromStart} /
 * {@code toEnd} when a side is unbounded, and {@code TreeMap}'s rules for narrowing it: the immutable maps of the
 * model ({@link MemoryWords}, {@code xpf.model.xen.LongArrayMap}) give the same sub-maps and the same
 * {@code IllegalArgumentException}s as the {@code TreeMap}s they replace.
 */
public record KeyRange(long lo, boolean fromStart, long hi, boolean toEnd) {

    /** Every key. */
    public static final KeyRange ALL = new KeyRange(0, true, 0, true);

    /** Whether {@code a} is in {@code [lo, hi)}. */
    public boolean contains(long a) {
        return (fromStart || a >= lo) && (toEnd || a < hi);
    }

    /** Whether {@code a} is in {@code [lo, hi]} (a sub-map's exclusive upper bound may be this range's). */
    public boolean containsClosed(long a) {
        return (fromStart || a >= lo) && (toEnd || a <= hi);
    }

    /** {@code subMap(from, to)}. */
    public KeyRange sub(long from, long to) {
        if (!contains(from)) {
            throw new IllegalArgumentException("fromKey out of range");
        }
        if (!containsClosed(to)) {
            throw new IllegalArgumentException("toKey out of range");
        }
        if (from > to) {
            throw new IllegalArgumentException("fromKey > toKey");
        }
        return new KeyRange(from, false, to, false);
    }

    /** {@code headMap(to)}. */
    public KeyRange head(long to) {
        if (!containsClosed(to)) {
            throw new IllegalArgumentException("toKey out of range");
        }
        return new KeyRange(lo, fromStart, to, false);
    }

    /** {@code tailMap(from)}. */
    public KeyRange tail(long from) {
        if (!contains(from)) {
            throw new IllegalArgumentException("fromKey out of range");
        }
        return new KeyRange(from, false, hi, toEnd);
    }
}
