package xpf.model.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import xpf.model.SortedMapChecks;

/**
 * The frozen maps and sets the views share against what the views' constructors used to build,
 * {@code Collections.unmodifiableSortedMap(new TreeMap<>(m))} and {@code unmodifiableSortedSet(new TreeSet<>(s))},
 * on random contents: every read, the order, equals/hashCode/toString, sub-maps and their range errors.
 */
class FrozenCollectionsTest {

    static TreeMap<Long, String> randomMap(Random r) {
        TreeMap<Long, String> m = new TreeMap<>();
        for (int i = r.nextInt(40); i > 0; i--) {
            long k = r.nextBoolean() ? r.nextInt(100) : r.nextLong();
            m.put(k, "v" + r.nextInt(10));
        }
        return m;
    }

    static List<Long> probes(SortedMap<Long, ?> m, Random r) {
        List<Long> ks = new ArrayList<>();
        for (long k : m.keySet()) {
            ks.add(k);
            ks.add(k + 1);
            ks.add(k - 1);
        }
        for (int i = 0; i < 10; i++) {
            ks.add(r.nextBoolean() ? (long) r.nextInt(100) : r.nextLong());
        }
        ks.add(Long.MIN_VALUE);
        ks.add(Long.MAX_VALUE);
        return ks;
    }

    static void assertSame(SortedMap<Long, String> got, SortedMap<Long, String> want, Random r, int depth) {
        assertThat(got.size()).isEqualTo(want.size());
        assertThat(got.isEmpty()).isEqualTo(want.isEmpty());
        assertThat(new ArrayList<>(got.entrySet())).isEqualTo(new ArrayList<>(want.entrySet()));
        assertThat(new ArrayList<>(got.keySet())).isEqualTo(new ArrayList<>(want.keySet()));
        assertThat(new ArrayList<>(got.values())).isEqualTo(new ArrayList<>(want.values()));
        assertThat(got.equals(want)).isTrue();
        assertThat(want.equals(got)).isTrue();
        assertThat(got.hashCode()).isEqualTo(want.hashCode());
        assertThat(got.toString()).isEqualTo(want.toString());
        assertThat(got.entrySet()).isEqualTo(want.entrySet());
        SortedMapChecks.same(got, want, SortedMap::firstKey);
        SortedMapChecks.same(got, want, SortedMap::lastKey);
        for (long k : probes(want, r)) {
            assertThat(got.get(k)).isEqualTo(want.get(k));
            assertThat(got.containsKey(k)).isEqualTo(want.containsKey(k));
            assertThat(got.entrySet().contains(Map.entry(k, "v1"))).isEqualTo(want.entrySet().contains(Map.entry(k,
                    "v1")));
        }
        assertThatThrownBy(() -> got.put(1L, "x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(got::clear).isInstanceOf(UnsupportedOperationException.class);
        if (depth > 1) {
            return;
        }
        SortedMapChecks.subMaps(got, want, probes(want, r), r, depth == 0 ? 5 : 2,
                (g, w) -> assertSame(g, w, r, depth + 1));
    }

    @Test
    void arrayBackedFrozenMapsBehaveLikeUnmodifiableTreeMaps() {
        Random r = new Random(17);
        for (int i = 0; i < 300; i++) {
            TreeMap<Long, String> m = randomMap(r);
            long[] keys = new long[m.size() + r.nextInt(3)]; // spare capacity past n is ignored
            String[] values = new String[keys.length];
            int n = 0;
            for (Map.Entry<Long, String> e : m.entrySet()) {
                keys[n] = e.getKey();
                values[n++] = e.getValue();
            }
            SortedMap<Long, String> f = FrozenSortedMap.ofSorted(keys, values, n);
            assertThat(FrozenSortedMap.isFrozen(f)).isTrue();
            assertThat(FrozenSortedMap.copyOf(f)).isSameAs(f);
            assertSame(f, Collections.unmodifiableSortedMap(new TreeMap<>(m)), r, 0);
            assertSame(FrozenSortedMap.copyOf(m), Collections.unmodifiableSortedMap(new TreeMap<>(m)), r, 1);
        }
    }

    @Test
    void ofSortedRejectsUnsortedKeys() {
        assertThatThrownBy(() -> FrozenSortedMap.ofSorted(new long[] {2, 1}, new String[] {"a", "b"}, 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FrozenSortedMap.ofSorted(new long[] {1, 1}, new String[] {"a", "b"}, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void frozenSetsBehaveLikeUnmodifiableTreeSets() {
        Random r = new Random(23);
        for (int i = 0; i < 200; i++) {
            TreeSet<Long> s = new TreeSet<>(randomMap(r).keySet());
            List<Long> given = new ArrayList<>(s);
            Collections.shuffle(given, r);
            SortedSet<Long> f = FrozenSortedSet.copyOf(given);
            SortedSet<Long> want = Collections.unmodifiableSortedSet(new TreeSet<>(s));
            assertThat(new ArrayList<>(f)).isEqualTo(new ArrayList<>(want));
            assertThat(f).isEqualTo(want);
            assertThat(want).isEqualTo(f);
            assertThat(f.hashCode()).isEqualTo(want.hashCode());
            assertThat(f.toString()).isEqualTo(want.toString());
            assertThat(FrozenSortedSet.copyOf(f)).isSameAs(f);
            for (long k : probes(new TreeMap<>(Map.of(0L, "")), r)) {
                assertThat(f.contains(k)).isEqualTo(want.contains(k));
                assertThat(new ArrayList<>(f.tailSet(k))).isEqualTo(new ArrayList<>(want.tailSet(k)));
                assertThat(new ArrayList<>(f.headSet(k))).isEqualTo(new ArrayList<>(want.headSet(k)));
            }
            if (!want.isEmpty()) {
                assertThat(f.first()).isEqualTo(want.first());
                assertThat(f.last()).isEqualTo(want.last());
            }
            assertThatThrownBy(() -> f.add(5L)).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(f::clear).isInstanceOf(UnsupportedOperationException.class);
            given.add(-1L);
            assertThat(f).as("a copy, not a view of the source").isEqualTo(want);
        }
    }

    @Test
    void frozenSequencedMapsBehaveLikeUnmodifiableLinkedHashMaps() {
        Random r = new Random(29);
        for (int i = 0; i < 100; i++) {
            java.util.LinkedHashMap<String, Long> m = new java.util.LinkedHashMap<>();
            for (int j = r.nextInt(12); j > 0; j--) {
                m.put("f" + r.nextInt(20), r.nextLong());
            }
            java.util.SequencedMap<String, Long> want = Collections.unmodifiableSequencedMap(
                    new java.util.LinkedHashMap<>(m));
            java.util.SequencedMap<String, Long> copied = FrozenSequencedMap.copyOf(m);
            java.util.SequencedMap<String, Long> adopted = FrozenSequencedMap.adopt(new java.util.LinkedHashMap<>(m));
            for (java.util.SequencedMap<String, Long> got : List.of(copied, adopted)) {
                assertThat(new ArrayList<>(got.entrySet())).isEqualTo(new ArrayList<>(want.entrySet()));
                assertThat(new ArrayList<>(got.reversed().keySet())).isEqualTo(new ArrayList<>(want.reversed()
                        .keySet()));
                assertThat(got).isEqualTo(want);
                assertThat(want).isEqualTo(got);
                assertThat(got.hashCode()).isEqualTo(want.hashCode());
                assertThat(got.toString()).isEqualTo(want.toString());
                assertThat(got.firstEntry()).isEqualTo(want.firstEntry());
                assertThat(got.get("f3")).isEqualTo(want.get("f3"));
                assertThat(FrozenSequencedMap.copyOf(got)).isSameAs(got);
                assertThatThrownBy(() -> got.put("x", 1L)).isInstanceOf(UnsupportedOperationException.class);
                assertThatThrownBy(got::clear).isInstanceOf(UnsupportedOperationException.class);
            }
            m.put("later", 1L);
            assertThat(copied).as("a copy, not a view of the source").isEqualTo(want);
        }
    }
}
