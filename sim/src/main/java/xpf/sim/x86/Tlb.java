package xpf.sim.x86;

import java.util.HashMap;
import java.util.Map;
import xpf.model.x86.PageSizes;

/**
 * A per-vCPU TLB (x86-paging.md §1.1f). Entries cache a whole translation: the page, its frame, the effective
 * rights (not an allow/deny decision, so CR0.WP, SMEP, SMAP, AC and PKRU still apply at access time), the leaf's
 * dirty flag and whether it is global. Lookups and removals are by key only, so the map's iteration order never
 * influences a result.
 */
@Rule("1.1f")
public final class Tlb {

    /** One cached translation of the page {@code [vaBase, vaBase+pageSize)}. */
    public record Entry(long vaBase, long pageSize, long paBase, AccessRights.Effective rights, boolean dirty,
            boolean global, long leafSlot) {
    }

    private static final long[] SIZES = {PageSizes.SIZE_4K, PageSizes.SIZE_2M, PageSizes.SIZE_4M, PageSizes.SIZE_1G};
    /**
     * log2 of each size. The maps are keyed by page number ({@code la >>> shift}), not by the page's base address:
     * consecutive pages then have consecutive keys, which HashMap spreads over its buckets (base addresses differ
     * only above bit 12, where HashMap's hash folding leaves most of them in a few treeified buckets).
     */
    private static final int[] SHIFTS = {12, 21, 22, 30};
    @SuppressWarnings("unchecked")
    private final Map<Long, Entry>[] bySize = new Map[SIZES.length];

    private Map<Long, Entry> map(int i) {
        if (bySize[i] == null) {
            bySize[i] = new HashMap<>(); // created on first use: a one-shot vCPU never pays for empty maps
        }
        return bySize[i];
    }

    private static int sizeIndex(long size) {
        for (int i = 0; i < SIZES.length; i++) {
            if (SIZES[i] == size) {
                return i;
            }
        }
        throw new IllegalArgumentException("not a page size: " + size);
    }

    /** The cached translation covering {@code la}, or null. */
    public Entry lookup(long la) {
        for (int i = 0; i < SIZES.length; i++) {
            if (bySize[i] != null && !bySize[i].isEmpty()) {
                Entry e = bySize[i].get(la >>> SHIFTS[i]);
                if (e != null) {
                    return e;
                }
            }
        }
        return null;
    }

    /**
     * Caches the translation a walk of {@code la} produced. Any entry that covered {@code la} (of any size, e.g. a 4 KiB
     * entry for a page that is now part of a 2 MiB leaf) is dropped first, so the fresh walk's answer is the one used
     * for {@code la}; entries for other addresses stay, stale or not, until invalidated (§1.1f).
     */
    public void insert(long la, Entry e) {
        invalidatePage(la);
        int i = sizeIndex(e.pageSize());
        map(i).put(e.vaBase() >>> SHIFTS[i], e);
    }

    /** INVLPG / #PF delivery: every entry covering {@code la}, global ones included. */
    public void invalidatePage(long la) {
        for (int i = 0; i < SIZES.length; i++) {
            if (bySize[i] != null && !bySize[i].isEmpty()) {
                bySize[i].remove(la >>> SHIFTS[i]);
            }
        }
    }

    /** MOV CR3 without PCIDs: non-global entries only. */
    public void flushNonGlobal() {
        for (Map<Long, Entry> m : bySize) {
            if (m != null) {
                m.values().removeIf(e -> !e.global());
            }
        }
    }

    /** CR4.PGE toggle and other full flushes: everything, global included. */
    public void flushAll() {
        for (Map<Long, Entry> m : bySize) {
            if (m != null) {
                m.clear();
            }
        }
    }

    /** Every cached translation, ordered by address then page size (a deterministic view). */
    public java.util.List<Entry> entries() {
        java.util.List<Entry> out = new java.util.ArrayList<>();
        for (Map<Long, Entry> m : bySize) {
            if (m != null) {
                out.addAll(m.values());
            }
        }
        out.sort(java.util.Comparator.comparingLong(Entry::vaBase).thenComparingLong(Entry::pageSize));
        return out;
    }

    public int size() {
        int n = 0;
        for (Map<Long, Entry> m : bySize) {
            n += m == null ? 0 : m.size();
        }
        return n;
    }
}
