package xpf.sim.xen.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.xen.FrozenSortedMap;

/**
 * The frame table's memo (views derived from the whole table, shared while nothing changed) and the frozen map the PV
 * view shares: a memoised value must be recomputed after any change to a frame, or views taken after the change would
 * show the old frame table.
 */
class FrameTableMemoTest {

    private static final Object KEY = new Object();

    private static long sumOfCounts(FrameTable t, AtomicInteger computed) {
        return t.memo(KEY, table -> {
            computed.incrementAndGet();
            long s = 0;
            for (PageInfo p : table.all()) {
                s += p.count() + p.typeCount() + p.owner();
            }
            return s;
        });
    }

    @Test
    @DisplayName("memo: computed once while nothing changes, again after an assign or any setter of a frame")
    void memoFollowsEveryChange() {
        FrameTable t = new FrameTable();
        PageInfo p = t.assign(0x100, 1);
        AtomicInteger computed = new AtomicInteger();
        assertThat(sumOfCounts(t, computed)).isEqualTo(1);
        assertThat(sumOfCounts(t, computed)).isEqualTo(1);
        assertThat(computed).hasValue(1);

        p.setCount(5);
        assertThat(sumOfCounts(t, computed)).isEqualTo(6);
        assertThat(computed).hasValue(2);
        p.setTypeCount(2);
        assertThat(sumOfCounts(t, computed)).isEqualTo(8);
        t.assign(0x200, 3);
        assertThat(sumOfCounts(t, computed)).isEqualTo(11);
        p.setOwner(2);
        assertThat(sumOfCounts(t, computed)).isEqualTo(12);
        assertThat(computed).hasValue(5);

        long v = t.version();
        p.setType(PageType.L1_PAGE_TABLE);
        p.setValidated(true);
        p.setPinned(true);
        p.setLinearPtCount(1);
        p.setShadowedPageTable(true);
        p.setPaeXenL2(true);
        assertThat(t.version()).isEqualTo(v + 6);
    }

    @Test
    @DisplayName("memo: another key replaces the slot instead of returning the other key's value")
    void memoKeyed() {
        FrameTable t = new FrameTable();
        t.assign(0x100, 1);
        assertThat(t.<String>memo(KEY, x -> "a")).isEqualTo("a");
        assertThat(t.<String>memo(new Object(), x -> "b")).isEqualTo("b");
    }

    @Test
    @DisplayName("frozen map: a copy equal to its source, unaffected by later changes of it, read-only, shared when already frozen")
    void frozenMap() {
        TreeMap<Long, String> src = new TreeMap<>();
        src.put(2L, "b");
        src.put(1L, "a");
        SortedMap<Long, String> f = FrozenSortedMap.copyOf(src);
        assertThat(f).isEqualTo(src).hasSameHashCodeAs(src);
        assertThat(f.toString()).isEqualTo(src.toString());
        assertThat(f.firstKey()).isEqualTo(1L);
        src.put(3L, "c");
        assertThat(f).hasSize(2).doesNotContainKey(3L);
        assertThat(FrozenSortedMap.copyOf(f)).isSameAs(f);
        assertThatThrownBy(() -> f.put(4L, "d")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> f.subMap(1L, 3L).clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(f::pollFirstEntry).isInstanceOf(UnsupportedOperationException.class);
        SortedMap<Long, String> built = FrozenSortedMap.build(m -> m.put(7L, "x"));
        assertThat(built).containsEntry(7L, "x").hasSize(1);
    }
}
