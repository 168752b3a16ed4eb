package xpf.sim.xen.mm.shadow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import xpf.sim.x86.EntryBits;
import xpf.sim.xen.XenFunction;
import xpf.sim.xen.mm.FrameTable;
import xpf.sim.xen.mm.PageInfo;
import xpf.sim.xen.mm.walk.GuestWalker;

/**
 * A domain's shadow state: for every top-level shadow (keyed by the guest's CR3 table address; -1 for the identity
 * table of an unpaged guest) the shadow l1es by linear page ({@link ShadowL1e}), and the set of guest frames that
 * are shadowed page tables ({@code PGC_page_table}, with the levels they are shadowed at; mirrored in the frame
 * table's {@link PageInfo#shadowedPageTable()}).
 *
 * <p>Invariants kept here (xen-hvm-fault-path.md §3.3): no shadow l1e maps a shadowed page-table frame writable
 * (no L1 is ever out of sync in this model); unshadowing a frame drops every shadow that was built by walking it.
 */
public final class ShadowTables {

    private final TreeMap<Long, TreeMap<Long, ShadowL1e>> roots = new TreeMap<>();
    private final TreeMap<Long, GuestWalker.WalkContext> rootContexts = new TreeMap<>();
    private final TreeMap<Long, TreeSet<Integer>> pageTables = new TreeMap<>();
    private final FrameTable frames;

    public ShadowTables(FrameTable frames) {
        this.frames = frames;
    }

    /** Makes sure the top-level shadow {@code key} exists; {@code ctx} is how its guest tables are walked. */
    public void ensureRoot(long key, GuestWalker.WalkContext ctx) {
        roots.computeIfAbsent(key, k -> new TreeMap<>());
        rootContexts.put(key, ctx);
    }

    public GuestWalker.WalkContext rootContext(long key) {
        return rootContexts.get(key);
    }

    public ShadowL1e get(long root, long vpn) {
        TreeMap<Long, ShadowL1e> m = roots.get(root);
        return m == null ? null : m.get(vpn);
    }

    /** {@code shadow_set_l1e}. */
    @XenFunction(symbol = "shadow_set_l1e", file = "xen/arch/x86/mm/shadow/multi.c", version = "3.1, 4.22")
    public void set(long root, ShadowL1e e) {
        roots.computeIfAbsent(root, k -> new TreeMap<>()).put(e.vpn(), e);
    }

    public void remove(long root, long vpn) {
        TreeMap<Long, ShadowL1e> m = roots.get(root);
        if (m != null) {
            m.remove(vpn);
        }
    }

    /**
     * Drops the shadow l1es of top-level shadow {@code root} that {@code stale} selects.
     *
     * @return how many were dropped
     */
    public int removeIf(long root, java.util.function.Predicate<ShadowL1e> stale) {
        TreeMap<Long, ShadowL1e> m = roots.get(root);
        if (m == null) {
            return 0;
        }
        int before = m.size();
        m.values().removeIf(stale);
        return before - m.size();
    }

    /** {@code sh_promote}: the frame is now a shadowed guest page table at {@code level}. */
    @XenFunction(symbol = "sh_promote", file = "xen/arch/x86/mm/shadow/common.c", version = "3.1, 4.22")
    public void promote(long mfn, int level) {
        pageTables.computeIfAbsent(mfn, k -> new TreeSet<>()).add(level);
        PageInfo p = frames.get(mfn);
        if (p != null) {
            p.setShadowedPageTable(true);
        }
    }

    /** Whether {@code mfn} is a shadowed guest page table ({@code PGC_page_table}). */
    public boolean isPageTable(long mfn) {
        return pageTables.containsKey(mfn);
    }

    /**
     * {@code sh_remove_write_access}: clears RW from every shadow l1e mapping {@code gmfn}.
     *
     * @return how many writable mappings were found
     */
    @XenFunction(symbol = "sh_remove_write_access", file = "xen/arch/x86/mm/shadow/common.c", version = "3.1, 4.22")
    public int removeWriteAccess(long gmfn) {
        int n = 0;
        for (TreeMap<Long, ShadowL1e> m : roots.values()) {
            for (Map.Entry<Long, ShadowL1e> e : m.entrySet()) {
                ShadowL1e s = e.getValue();
                if (!s.magic() && s.mfn() == gmfn && (s.sl1e() & EntryBits.RW) != 0) {
                    e.setValue(s.withSl1e(s.sl1e() & ~(EntryBits.RW | EntryBits.D)));
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * {@code shadow_remove_all_shadows} / {@code sh_remove_shadows}: the frame stops being a shadowed page table;
     * every shadow built by walking it goes. A frame still in use as some vCPU's top level stays promoted (Xen
     * cannot free a top-level shadow in use).
     *
     * @return the number of shadow l1es dropped
     */
    @XenFunction(symbol = "shadow_remove_all_shadows", file = "xen/arch/x86/mm/shadow/common.c",
            version = "3.1, 4.22")
    public int removeAllShadows(long gmfn, Set<Long> topLevelsInUse) {
        int n = 0;
        for (TreeMap<Long, ShadowL1e> m : roots.values()) {
            int before = m.size();
            m.values().removeIf(s -> s.tableMfns().contains(gmfn));
            n += before - m.size();
        }
        if (!topLevelsInUse.contains(gmfn)) {
            pageTables.remove(gmfn);
            PageInfo p = frames.get(gmfn);
            if (p != null) {
                p.setShadowedPageTable(false);
            }
        }
        return n;
    }

    /** Shadow l1es built from a guest entry stored in {@code [lo, hi)} (machine addresses), with their roots. */
    public List<Map.Entry<Long, ShadowL1e>> dependents(long lo, long hi) {
        List<Map.Entry<Long, ShadowL1e>> out = new ArrayList<>();
        for (Map.Entry<Long, TreeMap<Long, ShadowL1e>> r : roots.entrySet()) {
            for (ShadowL1e s : r.getValue().values()) {
                for (long slot : s.guestSlots()) {
                    if (slot >= lo && slot < hi) {
                        out.add(Map.entry(r.getKey(), s));
                        break;
                    }
                }
            }
        }
        return out;
    }

    /** {@code shadow_blow_tables}: every shadow goes (a guest paging-mode change). */
    @XenFunction(symbol = "shadow_blow_tables", file = "xen/arch/x86/mm/shadow/common.c", version = "3.1, 4.22")
    public void blowTables() {
        roots.values().forEach(TreeMap::clear);
        for (long mfn : pageTables.keySet()) {
            PageInfo p = frames.get(mfn);
            if (p != null) {
                p.setShadowedPageTable(false);
            }
        }
        pageTables.clear();
    }

    /** The live shadow maps, for read-only sweeps in this package (no copies, unlike {@link #entries()}). */
    SortedMap<Long, TreeMap<Long, ShadowL1e>> roots() {
        return Collections.unmodifiableSortedMap(roots);
    }

    /** Root key → (vpn → entry), a read-only view. */
    public SortedMap<Long, SortedMap<Long, ShadowL1e>> entries() {
        TreeMap<Long, SortedMap<Long, ShadowL1e>> out = new TreeMap<>();
        roots.forEach((k, v) -> out.put(k, Collections.unmodifiableSortedMap(new TreeMap<>(v))));
        return Collections.unmodifiableSortedMap(out);
    }

    /** Shadowed page-table frames → levels, a read-only view. */
    public SortedMap<Long, Set<Integer>> pageTables() {
        TreeMap<Long, Set<Integer>> out = new TreeMap<>();
        pageTables.forEach((k, v) -> out.put(k, Collections.unmodifiableSet(new TreeSet<>(v))));
        return Collections.unmodifiableSortedMap(out);
    }
}
