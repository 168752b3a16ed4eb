package xpf.model.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import xpf.model.SortedMapChecks;

/**
 * {@link MemoryWords} against what it replaces, {@code Collections.unmodifiableSortedMap(new TreeMap<>(words))}, on
 * random memories: the same answers to every read, the same order, equals/hashCode/toString, sub-maps and errors.
 */
class MemoryWordsTest {

    /** Random words in a few clustered frames (some far apart, some with the sign bit set, some frames all zero). */
    static TreeMap<Long, Long> randomWords(Random r) {
        TreeMap<Long, Long> m = new TreeMap<>();
        int frames = r.nextInt(6);
        for (int f = 0; f < frames; f++) {
            long base = switch (r.nextInt(4)) {
                case 0 -> (long) r.nextInt(8) << 12;
                case 1 -> (r.nextLong() & 0x000F_FFFF_FFFF_F000L);
                case 2 -> 0x8000_0000_0000_0000L | ((long) r.nextInt(4) << 12);
                default -> 0x7FFF_FFFF_FFFF_F000L - ((long) r.nextInt(3) << 12);
            };
            int words = r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(r.nextBoolean() ? 5 : 512);
            for (int i = 0; i < words; i++) {
                long v = r.nextInt(3) == 0 ? r.nextInt(4) + 1 : r.nextLong();
                if (v != 0) {
                    m.put(base + 8L * r.nextInt(512), v);
                }
            }
        }
        return m;
    }

    static SortedMap<Long, Long> reference(Map<Long, Long> words) {
        return Collections.unmodifiableSortedMap(new TreeMap<>(words));
    }

    /** Keys worth probing: every key, its neighbours, frame edges, and random ones. */
    static List<Long> probes(SortedMap<Long, Long> m, Random r) {
        List<Long> ks = new ArrayList<>();
        for (long k : m.keySet()) {
            ks.add(k);
            ks.add(k + 1);
            ks.add(k - 8);
            ks.add(k + 8);
            ks.add(k & ~0xFFFL);
            ks.add((k | 0xFFFL) + 1);
        }
        for (int i = 0; i < 20; i++) {
            ks.add(r.nextLong() & ~7L);
            ks.add((long) r.nextInt(0x10000));
        }
        ks.add(Long.MIN_VALUE);
        ks.add(Long.MAX_VALUE);
        ks.add(0L);
        Collections.shuffle(ks, r);
        return ks.size() > 150 ? ks.subList(0, 150) : ks;
    }

    static void assertSame(SortedMap<Long, Long> got, SortedMap<Long, Long> want, Random r, int depth) {
        assertThat(got.size()).isEqualTo(want.size());
        assertThat(got.isEmpty()).isEqualTo(want.isEmpty());
        assertThat(new ArrayList<>(got.entrySet())).isEqualTo(new ArrayList<>(want.entrySet()));
        assertThat(new ArrayList<>(got.keySet())).isEqualTo(new ArrayList<>(want.keySet()));
        assertThat(new ArrayList<>(got.values())).isEqualTo(new ArrayList<>(want.values()));
        assertThat(got.equals(want)).isTrue();
        assertThat(want.equals(got)).isTrue();
        assertThat(got.hashCode()).isEqualTo(want.hashCode());
        assertThat(got.toString()).isEqualTo(want.toString());
        assertThat(got.comparator()).isNull();
        assertThat(got.entrySet()).isEqualTo(want.entrySet());
        assertThat(got.keySet()).isEqualTo(want.keySet());
        List<Map.Entry<Long, Long>> seen = new ArrayList<>();
        got.forEach((k, v) -> seen.add(Map.entry(k, v)));
        assertThat(seen).isEqualTo(new ArrayList<>(want.entrySet()));
        SortedMapChecks.same(got, want, SortedMap::firstKey);
        SortedMapChecks.same(got, want, SortedMap::lastKey);
        for (long k : probes(want, r)) {
            assertThat(got.get(k)).as("get 0x%x", k).isEqualTo(want.get(k));
            assertThat(got.containsKey(k)).isEqualTo(want.containsKey(k));
            assertThat(got.getOrDefault(k, -5L)).isEqualTo(want.getOrDefault(k, -5L));
            assertThat(got.entrySet().contains(Map.entry(k, got.getOrDefault(k, 1L))))
                    .isEqualTo(want.entrySet().contains(Map.entry(k, got.getOrDefault(k, 1L))));
        }
        if (depth > 1) {
            return;
        }
        SortedMapChecks.subMaps(got, want, probes(want, r), r, depth == 0 ? 4 : 1,
                (g, w) -> assertSame(g, w, r, depth + 1));
    }

    @Test
    void behavesLikeAnUnmodifiableTreeMapOnRandomMemories() {
        Random r = new Random(11);
        for (int i = 0; i < 200; i++) {
            TreeMap<Long, Long> words = randomWords(r);
            assertSame(MemoryWords.copyOf(words), reference(words), r, 0);
        }
    }

    @Test
    void sharedFramesReadTheSameAsACopy() {
        Random r = new Random(5);
        for (int i = 0; i < 100; i++) {
            TreeMap<Long, Long> words = randomWords(r);
            TreeMap<Long, long[]> frames = new TreeMap<>();
            words.forEach((a, v) -> frames.computeIfAbsent(a & ~0xFFFL, b -> new long[513])[(int) (a >>> 3) & 511] = v);
            frames.computeIfAbsent(0x40000L, b -> new long[512]); // an all-zero frame holds no words
            long[] bases = frames.keySet().stream().mapToLong(Long::longValue).toArray();
            MemoryWords m = MemoryWords.sharing(bases, frames.values().toArray(new long[0][]));
            assertSame(m, reference(words), r, 0);
            assertThat(m).isEqualTo(MemoryWords.copyOf(words));
        }
    }

    @Test
    void withOverlaysWritesAndLeavesTheOriginal() {
        Random r = new Random(3);
        for (int i = 0; i < 100; i++) {
            TreeMap<Long, Long> words = randomWords(r);
            MemoryWords m = MemoryWords.copyOf(words);
            TreeMap<Long, Long> writes = new TreeMap<>();
            List<Long> ks = probes(words, r);
            for (int w = r.nextInt(6); w > 0; w--) {
                writes.put(ks.get(r.nextInt(ks.size())) & ~7L, r.nextBoolean() ? 0L : r.nextLong());
            }
            TreeMap<Long, Long> want = new TreeMap<>(words);
            writes.forEach((a, v) -> {
                if (v == 0) {
                    want.remove(a);
                } else {
                    want.put(a, v);
                }
            });
            assertSame(m.with(writes), reference(want), r, 1);
            assertSame(m, reference(words), r, 2);
        }
    }

    @Test
    void isUnmodifiable() {
        MemoryWords m = MemoryWords.copyOf(Map.of(8L, 1L));
        assertThatThrownBy(() -> m.put(16L, 2L)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.remove(8L)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(m::clear).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.entrySet().iterator().next().setValue(3L))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.entrySet().iterator().remove()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> MemoryWords.empty().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.subMap(0L, 100L).put(8L, 4L)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(m).containsExactly(Map.entry(8L, 1L));
    }
}
