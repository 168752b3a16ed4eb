package xpf.model.xen;

import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.IntFunction;
import xpf.model.x86.KeyRange;

/**
 * The storage of a {@link FrozenSortedMap} built from sorted arrays ({@link FrozenSortedMap#ofSorted}): keys in a
 * {@code long[]} (ascending, distinct), values in an array beside them, {@link #get} a binary search. Filling two
 * arrays in key order costs far less than inserting every entry into a tree, which matters for a map rebuilt at every
 * step (the PV frame table). Read-only; behaves like an unmodifiable {@code TreeMap} of the same entries, sub-maps
 * included (same range checks).
 */
final class LongArrayMap<V> extends AbstractMap<Long, V> implements SortedMap<Long, V> {
    private final long[] keys;
    private final V[] values;
    /** The entries of this (sub-)map: indices {@code [from, to)}. */
    private final int from;
    private final int to;
    /** This (sub-)map's key range: {@code [lo, hi)}; {@code fromStart}/{@code toEnd} when unbounded. */
    private final long lo;
    private final boolean fromStart;
    private final long hi;
    private final boolean toEnd;

    LongArrayMap(long[] keys, V[] values, int n) {
        this(keys, values, 0, n, 0, true, 0, true);
    }

    private LongArrayMap(long[] keys, V[] values, int from, int to, long lo, boolean fromStart, long hi,
            boolean toEnd) {
        this.keys = keys;
        this.values = values;
        this.from = from;
        this.to = to;
        this.lo = lo;
        this.fromStart = fromStart;
        this.hi = hi;
        this.toEnd = toEnd;
    }

    /** The first index in {@code [from, to)} whose key is {@code >= k} ({@code to} if none). */
    private int ceiling(long k) {
        int l = from;
        int h = to;
        while (l < h) {
            int m = (l + h) >>> 1;
            if (keys[m] < k) {
                l = m + 1;
            } else {
                h = m;
            }
        }
        return l;
    }

    private int indexOf(Object key) {
        long k = (Long) Objects.requireNonNull(key);
        int i = ceiling(k);
        return i < to && keys[i] == k ? i : -1;
    }

    private LongArrayMap<V> range(long l, boolean unboundedLow, long h, boolean unboundedHigh) {
        int f = unboundedLow ? from : ceiling(l);
        int t = unboundedHigh ? to : Math.max(f, ceiling(h));
        return new LongArrayMap<>(keys, values, f, t, l, unboundedLow, h, unboundedHigh);
    }

    @Override
    public V get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : values[i];
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public int size() {
        return to - from;
    }

    @Override
    public boolean isEmpty() {
        return to == from;
    }

    @Override
    public Comparator<? super Long> comparator() {
        return null;
    }

    @Override
    public Long firstKey() {
        if (to == from) {
            throw new NoSuchElementException();
        }
        return keys[from];
    }

    @Override
    public Long lastKey() {
        if (to == from) {
            throw new NoSuchElementException();
        }
        return keys[to - 1];
    }

    @Override
    public SortedMap<Long, V> subMap(Long fromKey, Long toKey) {
        return narrowed(keyRange().sub(Objects.requireNonNull(fromKey), Objects.requireNonNull(toKey)));
    }

    @Override
    public SortedMap<Long, V> headMap(Long toKey) {
        return narrowed(keyRange().head(Objects.requireNonNull(toKey)));
    }

    @Override
    public SortedMap<Long, V> tailMap(Long fromKey) {
        return narrowed(keyRange().tail(Objects.requireNonNull(fromKey)));
    }

    private KeyRange keyRange() {
        return new KeyRange(lo, fromStart, hi, toEnd);
    }

    private SortedMap<Long, V> narrowed(KeyRange k) {
        return range(k.lo(), k.fromStart(), k.hi(), k.toEnd());
    }

    @Override
    public Set<Map.Entry<Long, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<Long, V>> iterator() {
                return slots(j -> new AbstractMap.SimpleImmutableEntry<>(keys[j], values[j]));
            }

            @Override
            public int size() {
                return to - from;
            }

            @Override
            public boolean contains(Object o) {
                if (!(o instanceof Map.Entry<?, ?> e) || !(e.getKey() instanceof Long k)) {
                    return false;
                }
                int i = indexOf(k);
                return i >= 0 && Objects.equals(values[i], e.getValue());
            }

            @Override
            public void clear() {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Override
    public Collection<V> values() {
        return new AbstractCollection<>() {
            @Override
            public Iterator<V> iterator() {
                return slots(j -> values[j]);
            }

            @Override
            public int size() {
                return to - from;
            }

            @Override
            public void clear() {
                throw new UnsupportedOperationException();
            }
        };
    }

    /** The slots {@code from..to-1} in key order, each as {@code at} gives it (entries or values). */
    private <T> Iterator<T> slots(IntFunction<T> at) {
        return new Iterator<>() {
            private int i = from;

            @Override
            public boolean hasNext() {
                return i < to;
            }

            @Override
            public T next() {
                if (i >= to) {
                    throw new NoSuchElementException();
                }
                return at.apply(i++);
            }
        };
    }

    @Override
    public void clear() {
        throw new UnsupportedOperationException();
    }

    @Override
    public V remove(Object key) {
        throw new UnsupportedOperationException();
    }
}
