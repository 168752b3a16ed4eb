package xpf.conformance.reference.xen;

import java.util.HashMap;
import java.util.Map;

/**
 * A prediction's working copy of a map of the view, without the copy: reads go to the prediction's own writes first,
 * then to the view's map (never modified); {@link #put} writes only to the overlay. A prediction reads a handful of
 * entries of a map it would otherwise copy whole at its start (docs/performance.md "the reference model's runs
 * without per-call map copies"). No removal and no iteration: the reference uses neither on these maps.
 */
final class OverlayMap<K, V> {
    private final Map<K, V> base;
    private Map<K, V> writes;

    OverlayMap(Map<K, V> base) {
        this.base = base;
    }

    /** The value of {@code key}: the last {@link #put}, else the view's, else null. */
    V get(K key) {
        if (writes != null) {
            V w = writes.get(key);
            if (w != null) {
                return w;
            }
        }
        return base.get(key);
    }

    /** {@link Map#getOrDefault}: the value of {@code key}, or {@code fallback} when neither map has it. */
    V getOrDefault(K key, V fallback) {
        V v = get(key);
        return v != null ? v : fallback;
    }

    /** Sets {@code key} (non-null {@code value}) in the overlay; the view's map is not touched. */
    void put(K key, V value) {
        if (value == null) {
            throw new IllegalArgumentException("an overlay holds no null values");
        }
        if (writes == null) {
            writes = new HashMap<>();
        }
        writes.put(key, value);
    }
}
