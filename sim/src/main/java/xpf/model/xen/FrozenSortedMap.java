package xpf.model.xen;

import java.util.Collections;
import java.util.Comparator;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable sorted map that owns its storage: nobody else holds a reference to the tree behind it, so it never
 * changes after {@link #copyOf}. The views' compact constructors copy every map they are given (a caller may keep
 * and mutate its own); a map that is already frozen needs no copy, which lets a producer build one frozen map and
 * share it between many views (the PV frame table is the same for every view taken while no frame changed).
 *
 * <p>Behaves exactly like {@code Collections.unmodifiableSortedMap(new TreeMap<>(source))}: same iteration order,
 * same {@code equals}/{@code hashCode}/{@code toString}, sub-maps are unmodifiable views.
 */
public final class FrozenSortedMap<K, V> extends FrozenMap<K, V, SortedMap<K, V>> implements SortedMap<K, V> {

    private FrozenSortedMap(TreeMap<K, V> owned) {
        super(Collections.unmodifiableSortedMap(owned));
    }

    private FrozenSortedMap(SortedMap<K, V> readOnly, boolean unused) {
        super(readOnly);
    }

    /**
     * A frozen map of the first {@code n} entries of two arrays, without a tree: {@code keys} ascending and distinct,
     * {@code values} non-null. Takes both arrays over (the caller must not write them again). Same behaviour as the
     * tree-backed maps; cheaper to build for a map rebuilt often from a source already in key order.
     */
    public static <V> SortedMap<Long, V> ofSorted(long[] keys, V[] values, int n) {
        for (int i = 1; i < n; i++) {
            if (keys[i - 1] >= keys[i]) {
                throw new IllegalArgumentException("keys not ascending at " + i);
            }
        }
        for (int i = 0; i < n; i++) {
            Objects.requireNonNull(values[i]);
        }
        return new FrozenSortedMap<>(new LongArrayMap<>(keys, values, n), true);
    }

    /** {@code source} itself when it is already frozen, else a frozen copy of it. */
    @SuppressWarnings("unchecked")
    public static <K, V> SortedMap<K, V> copyOf(SortedMap<K, ? extends V> source) {
        if (isFrozen(source)) {
            return (SortedMap<K, V>) source;
        }
        return new FrozenSortedMap<>(new TreeMap<>(source));
    }

    /**
     * Whether {@code m} never changes: a frozen map, or a memory snapshot ({@link xpf.model.x86.MemoryWords}, which
     * its producer never writes again).
     */
    public static boolean isFrozen(Object m) {
        return m instanceof FrozenSortedMap<?, ?> || m instanceof xpf.model.x86.MemoryWords;
    }

    /**
     * A frozen map filled by {@code fill}, without the copy {@link #copyOf} makes: {@code fill} gets the fresh tree
     * and must not keep a reference to it.
     */
    public static <K, V> SortedMap<K, V> build(java.util.function.Consumer<? super TreeMap<K, V>> fill) {
        TreeMap<K, V> t = new TreeMap<>();
        fill.accept(t);
        return new FrozenSortedMap<>(t);
    }

    @Override
    public Comparator<? super K> comparator() {
        return map.comparator();
    }

    @Override
    public SortedMap<K, V> subMap(K fromKey, K toKey) {
        return map.subMap(fromKey, toKey);
    }

    @Override
    public SortedMap<K, V> headMap(K toKey) {
        return map.headMap(toKey);
    }

    @Override
    public SortedMap<K, V> tailMap(K fromKey) {
        return map.tailMap(fromKey);
    }

    @Override
    public K firstKey() {
        return map.firstKey();
    }

    @Override
    public K lastKey() {
        return map.lastKey();
    }

}
