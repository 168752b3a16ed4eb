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
                Entry e = bySize[i].get(la & -SIZES[i]);
                if (e != null) {
                    return e;
                }
            }
        }
        return null;
    }

    public void insert(Entry e) {
        // A page is cached under one size only: drop any other-size entry for the same address first.
        invalidatePage(e.vaBase());
        map(sizeIndex(e.pageSize())).put(e.vaBase(), e);
    }

    /** INVLPG / #PF delivery: every entry covering {@code la}, global ones included. */
    public void invalidatePage(long la) {
        for (int i = 0; i < SIZES.length; i++) {
            if (bySize[i] != null && !bySize[i].isEmpty()) {
                bySize[i].remove(la & -SIZES[i]);
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

    public int size() {
        int n = 0;
        for (Map<Long, Entry> m : bySize) {
            n += m == null ? 0 : m.size();
        }
        return n;
    }
}
