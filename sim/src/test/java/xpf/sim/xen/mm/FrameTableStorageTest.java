package xpf.sim.xen.mm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The chunked frame table against the {@code TreeMap<Long, PageInfo>} it replaced: on random assigns (single and
 * ranges, over chunk boundaries, replacing frames, negative and huge frame numbers, the lazy first range looked at
 * early, late or never) every lookup, owner, the size and the iteration order must match a sorted map, a frame once
 * looked at stays the same object until replaced, a replaced frame is fresh, and every change moves the version.
 */
class FrameTableStorageTest {

    private static final long[] BASES = {0, 0x100, 0x1000, 0x1ff, 0x200, 0xFEE00, 0x100000, 0x140000,
        1L << 39, -0x400, Long.MAX_VALUE - 0x1000};

    /** owners: the sorted model; ident: the object each frame was seen as (absent: not looked at since assigned). */
    private static void check(FrameTable t, TreeMap<Long, Integer> owners, Map<Long, PageInfo> ident,
            Map<Long, PageInfo> stale, Random r) {
        assertThat(t.size()).isEqualTo(owners.size());
        List<String> wrong = new ArrayList<>();
        // owners first, without looking at frames (ownerOf must not need them)
        for (int i = 0; i < 200; i++) {
            long mfn = BASES[r.nextInt(BASES.length)] + r.nextInt(0x900) - 0x80;
            Integer o = owners.get(mfn);
            if (t.ownerOf(mfn) != (o == null ? FrameTable.NOBODY : o)) {
                wrong.add("ownerOf " + mfn);
            }
            if (o == null && t.get(mfn) != null) {
                wrong.add("get of unowned " + mfn);
            }
        }
        List<Long> order = new ArrayList<>();
        if (r.nextBoolean()) {
            for (PageInfo p : t.all()) {
                order.add(p.mfn());
            }
        } else {
            for (PageInfo.Snapshot s : t.snapshot()) {
                order.add(s.mfn());
            }
        }
        assertThat(order).containsExactlyElementsOf(owners.keySet());
        for (Map.Entry<Long, Integer> e : owners.entrySet()) {
            long mfn = e.getKey();
            PageInfo p = t.get(mfn);
            if (p == null || p.mfn() != mfn || p.owner() != e.getValue()) {
                wrong.add("get " + mfn);
                continue;
            }
            PageInfo seen = ident.putIfAbsent(mfn, p);
            if (seen != null && seen != p) {
                wrong.add("identity " + mfn);
            }
            if (seen == null && (p == stale.get(mfn) || p.count() != 0 || p.type() != PageType.NONE)) {
                wrong.add("not fresh " + mfn);
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    @DisplayName("random assigns and ranges: lookups, owners, size, identity and frame-order iteration equal a sorted map's")
    void equivalentToSortedMap() {
        for (int seed = 0; seed < 30; seed++) {
            Random r = new Random(seed);
            FrameTable t = new FrameTable();
            TreeMap<Long, Integer> owners = new TreeMap<>();
            Map<Long, PageInfo> ident = new HashMap<>();
            Map<Long, PageInfo> stale = new HashMap<>();
            int ops = 1 + r.nextInt(30);
            for (int op = 0; op < ops; op++) {
                long base = BASES[r.nextInt(BASES.length)] + r.nextInt(0x600) - 0x40;
                int owner = r.nextInt(5);
                long before = t.version();
                if (r.nextBoolean()) {
                    PageInfo old = ident.get(base);
                    PageInfo p = t.assign(base, owner);
                    assertThat(p.mfn()).isEqualTo(base);
                    assertThat(p.owner()).isEqualTo(owner);
                    assertThat(p).isNotSameAs(old);
                    owners.put(base, owner);
                    ident.put(base, p);
                    assertThat(t.version()).isGreaterThan(before);
                } else {
                    int n = r.nextInt(r.nextBoolean() ? 8 : 1200);
                    t.assignRange(base, n, owner);
                    for (long f = base; f < base + n; f++) {
                        owners.put(f, owner);
                        PageInfo old = ident.remove(f);
                        if (old != null) {
                            stale.put(f, old);
                        }
                    }
                    if (n > 0) {
                        assertThat(t.version()).isGreaterThan(before);
                    }
                }
                if (r.nextInt(3) != 0) {
                    check(t, owners, ident, stale, r);
                }
            }
            check(t, owners, ident, stale, r);
        }
    }

    @Test
    @DisplayName("Xen's lazy range: owned and counted before any frame is made; looking at a frame is no change")
    void lazyRange() {
        FrameTable t = new FrameTable();
        t.assignRange(0, 0x100, FrameTable.DOMID_XEN);
        assertThat(t.size()).isEqualTo(0x100);
        assertThat(t.ownerOf(0xff)).isEqualTo(FrameTable.DOMID_XEN);
        assertThat(t.ownerOf(0x100)).isEqualTo(FrameTable.NOBODY);
        assertThat(t.get(0x100)).isNull();
        long v = t.version();
        PageInfo p = t.get(0x42);
        assertThat(t.version()).isEqualTo(v);
        assertThat(t.get(0x42)).isSameAs(p);
        p.setCount(1);
        assertThat(t.version()).isGreaterThan(v);
        PageInfo q = t.assign(0x43, 7);
        assertThat(t.size()).isEqualTo(0x100);
        assertThat(t.get(0x43)).isSameAs(q);
        int n = 0;
        for (PageInfo f : t.all()) {
            assertThat(f.mfn()).isEqualTo(n);
            assertThat(f.owner()).isEqualTo(f.mfn() == 0x43 ? 7 : FrameTable.DOMID_XEN);
            n++;
        }
        assertThat(n).isEqualTo(0x100);
        assertThat(t.get(0x42).count()).isEqualTo(1);
    }
}
