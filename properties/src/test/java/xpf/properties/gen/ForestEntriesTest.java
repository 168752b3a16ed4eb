package xpf.properties.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.PteSpec;
import xpf.model.x86.PagingMode;

/**
 * The forest's entry store (a primitive open-addressing map) against the {@code TreeMap<table, TreeMap<index,
 * value>>} it replaced: reads, overwrites, zero values, and the emission order of {@code page_tables} and slots (table
 * order, then index order) must be the same, since the generated scenario text depends on them.
 */
class ForestEntriesTest {

    @Test
    @DisplayName("random sets: get, pageTables, slots and indexesOf equal the nested sorted maps")
    void equivalentToNestedSortedMaps() {
        for (int seed = 0; seed < 60; seed++) {
            Random r = new Random(seed);
            Forest f = new Forest(PagingMode.LEGACY2, 0x1000);
            TreeMap<Long, TreeMap<Integer, Long>> model = new TreeMap<>();
            long[] tables = new long[1 + r.nextInt(12)];
            for (int i = 0; i < tables.length; i++) {
                tables[i] = r.nextInt(4) == 0 ? (1L << 40) - 1 - i : 0x1000 + r.nextInt(0x400);
            }
            int n = r.nextInt(300);
            for (int k = 0; k < n; k++) {
                long t = tables[r.nextInt(tables.length)];
                int idx = r.nextInt(1024);
                long v = r.nextInt(5) == 0 ? 0 : r.nextLong();
                f.set(t, idx, v);
                model.computeIfAbsent(t, x -> new TreeMap<>()).put(idx, v);
                long qt = tables[r.nextInt(tables.length)];
                int qi = r.nextInt(1024);
                TreeMap<Integer, Long> m = model.get(qt);
                Long want = m == null ? null : m.get(qi);
                assertThat(f.get(qt, qi)).isEqualTo(want == null ? 0 : want);
            }
            List<PteSpec> wantPts = new ArrayList<>();
            List<String> wantSlots = new ArrayList<>();
            model.forEach((t, m) -> m.forEach((i, v) -> {
                wantPts.add(new PteSpec(t, i, v, null));
                wantSlots.add(t + ":" + i);
            }));
            assertThat(f.pageTables()).containsExactlyElementsOf(wantPts);
            List<String> slots = new ArrayList<>();
            for (long[] s : f.slots()) {
                slots.add(s[0] + ":" + s[1]);
            }
            assertThat(slots).containsExactlyElementsOf(wantSlots);
            for (long t : tables) {
                TreeMap<Integer, Long> m = model.get(t);
                List<Integer> idx = new ArrayList<>();
                for (int i : f.indexesOf(t)) {
                    idx.add(i);
                }
                assertThat(idx).containsExactlyElementsOf(m == null ? List.of() : m.keySet());
                for (Map.Entry<Integer, Long> e : (m == null ? Map.<Integer, Long>of() : m).entrySet()) {
                    assertThat(f.get(t, e.getKey())).isEqualTo(e.getValue());
                }
            }
        }
    }

    @Test
    @DisplayName("tables: fresh tables and marked frames keep their first depth, in creation order; others are not")
    void tableDepths() {
        Forest f = new Forest(PagingMode.LONG4, 0x2000);
        long root = f.table(0);
        long l3 = f.table(1);
        assertThat(f.frames()).containsEntry("pt0", root).containsEntry("pt1", l3);
        f.markTable(0x9000, 3);
        f.markTable(l3, 2);        // already a table: keeps depth 1, not listed twice
        f.markTable(0x9000, 1);    // likewise
        assertThat(f.depth(root)).isZero();
        assertThat(f.depth(l3)).isEqualTo(1);
        assertThat(f.depth(0x9000)).isEqualTo(3);
        assertThat(f.depth(0x9001)).isEqualTo(-1);
        assertThat(f.depth(-1)).isEqualTo(-1);
        assertThat(f.isTable(0x9000)).isTrue();
        assertThat(f.isTable(0x9001)).isFalse();
        assertThat(f.tables()).containsExactly(root, l3, 0x9000L);
        f.markTable(-1, 0);
        assertThat(f.isTable(-1)).isTrue();
        assertThat(f.depth(-1)).isZero();
        assertThat(f.tables()).containsExactly(root, l3, 0x9000L, -1L);
    }

    @Test
    @DisplayName("the entry map takes every key, -1 (its free-slot marker) included, and grows past its first size")
    void entryMapAnyKey() {
        Forest.EntryMap m = new Forest.EntryMap();
        TreeMap<Long, Long> model = new TreeMap<>();
        Random r = new Random(5);
        for (int i = 0; i < 500; i++) {
            long k = r.nextInt(4) == 0 ? -1 - r.nextInt(3) : r.nextInt(300);
            long v = r.nextLong();
            m.put(k, v);
            model.put(k, v);
        }
        assertThat(m.size()).isEqualTo(model.size());
        long[] keys = m.sortedKeys();
        List<Long> ks = new ArrayList<>();
        for (long k : keys) {
            ks.add(k);
            assertThat(m.get(k)).isEqualTo(model.get(k));
        }
        assertThat(ks).containsExactlyElementsOf(model.keySet());
        assertThat(m.get(100_000)).isZero();
    }

    @Test
    @DisplayName("an entry outside any table format is refused, not folded into another key")
    void outOfRangeKeysRefused() {
        Forest f = new Forest(PagingMode.LONG4, 0x1000);
        assertThatThrownBy(() -> f.set(-1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> f.set(0x1000, 2048, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> f.get(0x1000, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
