package xpf.model.x86;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Every non-zero 8-byte word of a memory snapshot, by (8-aligned) physical address: an immutable sorted map that reads
 * straight from the 4 KiB frames it was taken from ({@code long[512]} each) instead of a tree of boxed words.
 *
 * <p>A snapshot of a simulated machine's memory is taken before and after every step, and the reference model and the
 * invariants then read a handful of its words: copying every word into a {@code TreeMap} cost more than all those
 * reads. Here a snapshot shares the producer's frame arrays; the producer promises never to write an array again once
 * it is in a snapshot (it copies a frame before its next write, see {@code PhysicalMemory}), so the map never changes.
 * {@link #get} is a binary search over the frames and one array load; iteration, {@link #size} and sub-maps read the
 * frames in address order.
 *
 * <p>Behaves exactly like {@code Collections.unmodifiableSortedMap(new TreeMap<>(words))} of the same words: same
 * iteration order (signed {@code Long} order), same {@code equals}/{@code hashCode}/{@code toString}, unmodifiable,
 * sub-maps with {@code TreeMap}'s range checks. Keys are always multiples of 8 and values never 0.
 */
public final class MemoryWords extends AbstractMap<Long, Long> implements SortedMap<Long, Long> {
    private static final int WORDS = 512;
    private static final MemoryWords EMPTY = new MemoryWords(new long[0], new long[0][], 0, true, 0, true);

    /** Frame base addresses (frame number {@code << 12}), ascending in signed order; shared, never written. */
    private final long[] bases;
    /** {@code frames[i]} holds the words of the frame at {@code bases[i]} (indices 0..511); never written. */
    private final long[][] frames;
    /** This (sub-)map's key range: {@code [lo, hi)}; {@code fromStart}/{@code toEnd} when unbounded. */
    private final long lo;
    private final boolean fromStart;
    private final long hi;
    private final boolean toEnd;
    /** The frames that can hold keys of the range: {@code [first, end)}. */
    private final int first;
    private final int end;

    /** Lazily computed (idempotent, so a racy publication only recomputes): -1 until known. */
    private int size = -1;
    private int hash;
    /** Whether the hash was computed and is 0 (as {@code String} does, so that racy reads stay correct). */
    private boolean hashIsZero;
    private Set<Map.Entry<Long, Long>> entrySet;

    private MemoryWords(long[] bases, long[][] frames, long lo, boolean fromStart, long hi, boolean toEnd) {
        this.bases = bases;
        this.frames = frames;
        this.lo = lo;
        this.fromStart = fromStart;
        this.hi = hi;
        this.toEnd = toEnd;
        // A frame can hold keys of the range when base + 0xFF8 >= lo and base < hi.
        this.first = fromStart ? 0 : firstFrameAtOrAbove(bases, lo & ~0xFFFL);
        this.end = toEnd ? bases.length : firstFrameAtOrAbove(bases, hi);
    }

    /** The empty snapshot. */
    public static MemoryWords empty() {
        return EMPTY;
    }

    /**
     * A snapshot over {@code frames}: {@code frames[i]} (at least 512 words; only 0..511 are read) is the frame whose
     * base address is {@code bases[i]}. {@code bases} must be 4 KiB-aligned, distinct and ascending in signed order.
     * The caller hands over both arrays and every frame array: none of them may ever be written again.
     */
    public static MemoryWords sharing(long[] bases, long[][] frames) {
        if (bases.length != frames.length) {
            throw new IllegalArgumentException(bases.length + " bases for " + frames.length + " frames");
        }
        for (int i = 0; i < bases.length; i++) {
            if ((bases[i] & 0xFFF) != 0 || (i > 0 && bases[i - 1] >= bases[i]) || frames[i].length < WORDS) {
                throw new IllegalArgumentException("frame " + i + " at 0x" + Long.toHexString(bases[i])
                        + " is unaligned, out of order or short");
            }
        }
        return new MemoryWords(bases, frames, 0, true, 0, true);
    }

    /**
     * The words of {@code words} (8-aligned keys; a 0 value is the same as no entry) as a snapshot, e.g. to compare
     * with or to overlay: {@code copyOf(m).equals(m)} for every such map without 0 values.
     */
    public static MemoryWords copyOf(Map<Long, Long> words) {
        return EMPTY.with(words);
    }

    /**
     * This snapshot with {@code writes} applied (a 0 value removes the word): only the frames written are copied, the
     * others are shared. Keys must be 8-aligned. Only for a whole snapshot, not a sub-map.
     */
    public MemoryWords with(Map<Long, Long> writes) {
        if (!fromStart || !toEnd) {
            throw new UnsupportedOperationException("with() of a sub-map");
        }
        if (writes.isEmpty()) {
            return this;
        }
        java.util.TreeMap<Long, long[]> changed = new java.util.TreeMap<>();
        for (Map.Entry<Long, Long> w : writes.entrySet()) {
            long a = w.getKey();
            if ((a & 7) != 0) {
                throw new IllegalArgumentException("word address 0x" + Long.toHexString(a) + " is not 8-aligned");
            }
            long base = a & ~0xFFFL;
            long[] f = changed.get(base);
            if (f == null) {
                int i = indexOf(base);
                f = i >= 0 ? Arrays.copyOf(frames[i], WORDS) : new long[WORDS];
                changed.put(base, f);
            }
            f[(int) (a >>> 3) & (WORDS - 1)] = w.getValue();
        }
        java.util.TreeMap<Long, long[]> all = new java.util.TreeMap<>();
        for (int i = 0; i < bases.length; i++) {
            all.put(bases[i], frames[i]);
        }
        all.putAll(changed);
        long[] nb = new long[all.size()];
        long[][] nf = new long[all.size()][];
        int i = 0;
        for (Map.Entry<Long, long[]> e : all.entrySet()) {
            nb[i] = e.getKey();
            nf[i++] = e.getValue();
        }
        return new MemoryWords(nb, nf, 0, true, 0, true);
    }

    private static int firstFrameAtOrAbove(long[] bases, long addr) {
        int i = Arrays.binarySearch(bases, addr);
        return i >= 0 ? i : -i - 1;
    }

    /** Index of the frame at {@code base} (4 KiB-aligned), or -1. */
    private int indexOf(long base) {
        int l = 0;
        int h = bases.length - 1;
        while (l <= h) {
            int m = (l + h) >>> 1;
            long b = bases[m];
            if (b < base) {
                l = m + 1;
            } else if (b > base) {
                h = m - 1;
            } else {
                return m;
            }
        }
        return -1;
    }

    private boolean inRange(long a) {
        return (fromStart || a >= lo) && (toEnd || a < hi);
    }

    /** The word at {@code a}, 0 when absent (not 8-aligned, outside this map's range, or zero). */
    public long word(long a) {
        if ((a & 7) != 0 || !inRange(a)) {
            return 0;
        }
        int i = indexOf(a & ~0xFFFL);
        return i < 0 ? 0 : frames[i][(int) (a >>> 3) & (WORDS - 1)];
    }

    private static long key(Object key) {
        return (Long) Objects.requireNonNull(key);
    }

    @Override
    public Long get(Object key) {
        long v = word(key(key));
        return v == 0 ? null : v;
    }

    @Override
    public Long getOrDefault(Object key, Long defaultValue) {
        long v = word(key(key));
        return v == 0 ? defaultValue : v;
    }

    @Override
    public boolean containsKey(Object key) {
        return word(key(key)) != 0;
    }

    @Override
    public Comparator<? super Long> comparator() {
        return null;
    }

    @Override
    public int size() {
        int s = size;
        if (s < 0) {
            s = 0;
            for (Cursor c = new Cursor(); c.advance(); ) {
                s++;
            }
            size = s;
        }
        return s;
    }

    @Override
    public boolean isEmpty() {
        return size < 0 ? !new Cursor().advance() : size == 0;
    }

    @Override
    public Long firstKey() {
        Cursor c = new Cursor();
        if (!c.advance()) {
            throw new NoSuchElementException();
        }
        return c.key();
    }

    @Override
    public Long lastKey() {
        for (int i = end - 1; i >= first; i--) {
            long[] f = frames[i];
            for (int w = WORDS - 1; w >= 0; w--) {
                long a = bases[i] + 8L * w;
                if (f[w] != 0 && inRange(a)) {
                    return a;
                }
            }
        }
        throw new NoSuchElementException();
    }

    @Override
    public SortedMap<Long, Long> subMap(Long fromKey, Long toKey) {
        return narrowed(keyRange().sub(key(fromKey), key(toKey)));
    }

    @Override
    public SortedMap<Long, Long> headMap(Long toKey) {
        return narrowed(keyRange().head(key(toKey)));
    }

    @Override
    public SortedMap<Long, Long> tailMap(Long fromKey) {
        return narrowed(keyRange().tail(key(fromKey)));
    }

    private KeyRange keyRange() {
        return new KeyRange(lo, fromStart, hi, toEnd);
    }

    private MemoryWords narrowed(KeyRange k) {
        return new MemoryWords(bases, frames, k.lo(), k.fromStart(), k.hi(), k.toEnd());
    }

    @Override
    public Set<Map.Entry<Long, Long>> entrySet() {
        Set<Map.Entry<Long, Long>> es = entrySet;
        if (es == null) {
            es = new AbstractSet<>() {
                @Override
                public Iterator<Map.Entry<Long, Long>> iterator() {
                    return new Iterator<>() {
                        private final Cursor c = new Cursor();
                        private boolean ready = c.advance();

                        @Override
                        public boolean hasNext() {
                            return ready;
                        }

                        @Override
                        public Map.Entry<Long, Long> next() {
                            if (!ready) {
                                throw new NoSuchElementException();
                            }
                            Map.Entry<Long, Long> e = new AbstractMap.SimpleImmutableEntry<>(c.key(), c.value());
                            ready = c.advance();
                            return e;
                        }
                    };
                }

                @Override
                public int size() {
                    return MemoryWords.this.size();
                }

                @Override
                public boolean contains(Object o) {
                    if (!(o instanceof Map.Entry<?, ?> e) || !(e.getKey() instanceof Long k)) {
                        return false;
                    }
                    long v = word(k);
                    return v != 0 && Long.valueOf(v).equals(e.getValue());
                }
            };
            entrySet = es;
        }
        return es;
    }

    @Override
    public void forEach(BiConsumer<? super Long, ? super Long> action) {
        Objects.requireNonNull(action);
        for (Cursor c = new Cursor(); c.advance(); ) {
            action.accept(c.key(), c.value());
        }
    }

    @Override
    public boolean equals(Object o) {
        if (o == this) {
            return true;
        }
        if (o instanceof MemoryWords m) {
            if (size() != m.size() || hashCode() != m.hashCode()) {
                return false;
            }
            Cursor a = new Cursor();
            Cursor b = m.new Cursor();
            while (a.advance()) {
                if (!b.advance() || a.key() != b.key() || a.value() != b.value()) {
                    return false;
                }
            }
            return !b.advance();
        }
        return super.equals(o);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0 && !hashIsZero) {
            for (Cursor c = new Cursor(); c.advance(); ) {
                h += Long.hashCode(c.key()) ^ Long.hashCode(c.value());
            }
            if (h == 0) {
                hashIsZero = true;
            } else {
                hash = h;
            }
        }
        return h;
    }

    // -------------------------------------------------------------------------------- unmodifiable

    @Override
    public Long put(Long key, Long value) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Long remove(Object key) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void putAll(Map<? extends Long, ? extends Long> m) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void clear() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Long putIfAbsent(Long key, Long value) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean remove(Object key, Object value) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean replace(Long key, Long oldValue, Long newValue) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Long replace(Long key, Long value) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void replaceAll(BiFunction<? super Long, ? super Long, ? extends Long> function) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Long computeIfAbsent(Long key, Function<? super Long, ? extends Long> mappingFunction) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Long computeIfPresent(Long key, BiFunction<? super Long, ? super Long, ? extends Long> f) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Long compute(Long key, BiFunction<? super Long, ? super Long, ? extends Long> f) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Long merge(Long key, Long value, BiFunction<? super Long, ? super Long, ? extends Long> f) {
        throw new UnsupportedOperationException();
    }

    /** A position over the range's non-zero words in address order: {@link #advance} moves to the next one. */
    private final class Cursor {
        private int i = first;
        private int w = -1;
        private long key;
        private long value;

        boolean advance() {
            while (i < end) {
                long[] f = frames[i];
                long base = bases[i];
                while (++w < WORDS) {
                    long v = f[w];
                    if (v != 0) {
                        long a = base + 8L * w;
                        if (!fromStart && a < lo) {
                            continue;
                        }
                        if (!toEnd && a >= hi) {
                            i = end;
                            return false;
                        }
                        key = a;
                        value = v;
                        return true;
                    }
                }
                i++;
                w = -1;
            }
            return false;
        }

        long key() {
            return key;
        }

        long value() {
            return value;
        }
    }
}
