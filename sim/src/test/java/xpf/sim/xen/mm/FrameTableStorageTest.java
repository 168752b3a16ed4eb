package xpf.sim.xen.mm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The chunked frame table against the {@code TreeMap<Long, PageInfo>} it replaced: on random assigns (single and
 * ranges, over chunk boundaries, replacing frames, negative and huge frame numbers) every lookup, owner, the size and
 * the iteration order must match the sorted map, and every change must move the version.
 */
class FrameTableStorageTest {

    private static final long[] BASES = {0, 0x100, 0x1000, 0x1ff, 0x200, 0xFEE00, 0x100000, 0x140000,
        1L << 39, -0x400, Long.MAX_VALUE - 0x1000};

    private static void assertSame(FrameTable t, TreeMap<Long, PageInfo> model, Random r) {
        assertThat(t.size()).isEqualTo(model.size());
        List<Long> order = new ArrayList<>();
        for (PageInfo p : t.all()) {
            order.add(p.mfn());
        }
        assertThat(order).containsExactlyElementsOf(model.keySet());
        List<Long> snap = new ArrayList<>();
        for (PageInfo.Snapshot s : t.snapshot()) {
            snap.add(s.mfn());
        }
        assertThat(snap).containsExactlyElementsOf(model.keySet());
        List<Long> wrong = new ArrayList<>();
        for (Map.Entry<Long, PageInfo> e : model.entrySet()) {
            if (t.get(e.getKey()) != e.getValue() || t.ownerOf(e.getKey()) != e.getValue().owner()) {
                wrong.add(e.getKey());
            }
        }
        assertThat(wrong).isEmpty();
        for (int i = 0; i < 200; i++) {
            long mfn = BASES[r.nextInt(BASES.length)] + r.nextInt(0x900) - 0x80;
            assertThat(t.get(mfn)).isSameAs(model.get(mfn));
            assertThat(t.ownerOf(mfn)).isEqualTo(model.containsKey(mfn) ? model.get(mfn).owner() : FrameTable.NOBODY);
        }
    }

    @Test
    @DisplayName("random assigns and ranges: lookups, owners, size and frame-order iteration equal a sorted map's")
    void equivalentToSortedMap() {
        for (int seed = 0; seed < 25; seed++) {
            Random r = new Random(seed);
            FrameTable t = new FrameTable();
            TreeMap<Long, PageInfo> model = new TreeMap<>();
            int ops = 1 + r.nextInt(40);
            for (int op = 0; op < ops; op++) {
                long base = BASES[r.nextInt(BASES.length)] + r.nextInt(0x600) - 0x40;
                int owner = r.nextInt(5);
                long before = t.version();
                if (r.nextBoolean()) {
                    PageInfo p = t.assign(base, owner);
                    assertThat(p.mfn()).isEqualTo(base);
                    assertThat(p.owner()).isEqualTo(owner);
                    assertThat(p.count()).isZero();
                    assertThat(p.type()).isEqualTo(PageType.NONE);
                    model.put(base, p);
                    assertThat(t.version()).isGreaterThan(before);
                } else {
                    int n = r.nextInt(r.nextBoolean() ? 8 : 1200);
                    t.assignRange(base, n, owner);
                    List<Long> wrong = new ArrayList<>();
                    for (long f = base; f < base + n; f++) {
                        PageInfo p = t.get(f);
                        // a range gives fresh frames, replacing what was there
                        if (p == null || p.mfn() != f || p.owner() != owner || p.count() != 0 || p == model.get(f)) {
                            wrong.add(f);
                        }
                        model.put(f, p);
                    }
                    assertThat(wrong).isEmpty();
                    if (n > 0) {
                        assertThat(t.version()).isGreaterThan(before);
                    }
                }
                assertSame(t, model, r);
            }
        }
    }

    @Test
    @DisplayName("a frame of the table tells the table of its changes (memo views go stale)")
    void frameChangesMoveTheVersion() {
        FrameTable t = new FrameTable();
        t.assignRange(0, 0x100, FrameTable.DOMID_XEN);
        long v = t.version();
        t.get(0x42).setCount(1);
        assertThat(t.version()).isGreaterThan(v);
        assertThat(t.ownerOf(0x42)).isEqualTo(FrameTable.DOMID_XEN);
        assertThat(t.ownerOf(0x100)).isEqualTo(FrameTable.NOBODY);
        assertThat(t.size()).isEqualTo(0x100);
    }
}
