package xpf.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Shared steps of the tests that hold an immutable sorted map of the model (MemoryWords, the frozen collections)
 * against the unmodifiable {@code TreeMap} it replaces.
 */
public final class SortedMapChecks {

    private SortedMapChecks() {
    }

    /** {@code f} gives the same value on both maps, or throws the same exception class with the same message. */
    public static <M, T> void same(M got, M want, Function<M, T> f) {
        Object w;
        try {
            w = f.apply(want);
        } catch (RuntimeException e) {
            assertThatThrownBy(() -> f.apply(got)).isInstanceOf(e.getClass()).hasMessage(e.getMessage());
            return;
        }
        assertThat((Object) f.apply(got)).isEqualTo(w);
    }

    /**
     * {@code rounds} random sub-, head- and tail-maps between probe keys: each pair is handed to {@code check}, or
     * both must throw alike (TreeMap's range checks).
     */
    public static <V> void subMaps(SortedMap<Long, V> got, SortedMap<Long, V> want, List<Long> keys, Random r,
            int rounds, BiConsumer<SortedMap<Long, V>, SortedMap<Long, V>> check) {
        for (int i = rounds; i > 0; i--) {
            long a = keys.get(r.nextInt(keys.size()));
            long b = keys.get(r.nextInt(keys.size()));
            sub(got, want, m -> m.subMap(a, b), check);
            sub(got, want, m -> m.headMap(a), check);
            sub(got, want, m -> m.tailMap(b), check);
        }
    }

    private static <V> void sub(SortedMap<Long, V> got, SortedMap<Long, V> want,
            Function<SortedMap<Long, V>, SortedMap<Long, V>> f, BiConsumer<SortedMap<Long, V>, SortedMap<Long, V>> check) {
        SortedMap<Long, V> w;
        try {
            w = f.apply(want);
        } catch (RuntimeException e) {
            assertThatThrownBy(() -> f.apply(got)).isInstanceOf(e.getClass()).hasMessage(e.getMessage());
            return;
        }
        check.accept(f.apply(got), w);
    }
}
