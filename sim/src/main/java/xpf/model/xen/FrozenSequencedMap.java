package xpf.model.xen;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;

/**
 * An immutable insertion-ordered map that owns its storage (the ordered counterpart of {@link FrozenSortedMap}): the
 * views' compact constructors copy every ordered map they are given except a frozen one, so a producer that hands
 * over a fresh map ({@link #adopt}) saves the copy.
 *
 * <p>Behaves exactly like {@code Collections.unmodifiableSequencedMap(new LinkedHashMap<>(source))}: same order,
 * same {@code equals}/{@code hashCode}/{@code toString}, unmodifiable.
 */
public final class FrozenSequencedMap<K, V> extends FrozenMap<K, V, SequencedMap<K, V>>
        implements SequencedMap<K, V> {

    private FrozenSequencedMap(SequencedMap<K, V> owned) {
        super(Collections.unmodifiableSequencedMap(owned));
    }

    /** {@code source} itself when it is already frozen, else a frozen copy of it. */
    @SuppressWarnings("unchecked")
    public static <K, V> SequencedMap<K, V> copyOf(Map<K, ? extends V> source) {
        if (source instanceof FrozenSequencedMap<?, ?> f) {
            return (SequencedMap<K, V>) f;
        }
        return new FrozenSequencedMap<>(new LinkedHashMap<>(source));
    }

    /**
     * {@code fresh} frozen without a copy: the caller hands it over (it was built for this call, as a VMCB's field
     * map is) and nobody may keep a reference to it or change it.
     */
    public static <K, V> SequencedMap<K, V> adopt(SequencedMap<K, V> fresh) {
        if (fresh instanceof FrozenSequencedMap<K, V> f) {
            return f;
        }
        return new FrozenSequencedMap<>(fresh);
    }

    @Override
    public SequencedMap<K, V> reversed() {
        return map.reversed();
    }

    @Override
    public Map.Entry<K, V> firstEntry() {
        return map.firstEntry();
    }

    @Override
    public Map.Entry<K, V> lastEntry() {
        return map.lastEntry();
    }

}
