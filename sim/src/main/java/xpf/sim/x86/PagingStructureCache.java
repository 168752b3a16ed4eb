package xpf.sim.x86;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import xpf.model.x86.PagingMode;
import xpf.sim.x86.PagingGeometry.LevelGeometry;

/**
 * Per-vCPU paging-structure caches (x86-paging.md §1.1f): for a non-leaf entry already walked, where the next
 * table is and which rights the levels above it granted. A later TLB miss may start its walk below the cached level,
 * so a changed upper entry can keep being used until INVLPG, MOV CR3 or a #PF on that address invalidates it.
 * PAE PDPTEs are registers, not cached here.
 */
@Rule("1.1f")
public final class PagingStructureCache {

    /** One map per level index; the key is the linear address bits above that level's index bits. */
    private final Map<Long, PageWalker.Start>[] byLevel;
    private final PagingMode mode;

    @SuppressWarnings("unchecked")
    public PagingStructureCache(PagingMode mode) {
        this.mode = mode;
        this.byLevel = new Map[PagingGeometry.levels(mode).size()]; // maps created on first fill
    }

    public PagingMode mode() {
        return mode;
    }

    private static long key(LevelGeometry g, long la) {
        return la >>> g.shift();
    }

    /** The deepest cached start point for {@code la}, or null for a full walk. */
    public PageWalker.Start lookup(long la) {
        List<LevelGeometry> geo = PagingGeometry.levels(mode);
        for (int i = geo.size() - 2; i >= 0; i--) {
            if (byLevel[i] != null && !byLevel[i].isEmpty()) {
                PageWalker.Start s = byLevel[i].get(key(geo.get(i), la));
                if (s != null) {
                    return s;
                }
            }
        }
        return null;
    }

    /** Caches the non-leaf entry at level index {@code i}: the walk for {@code la} continues at {@code next}. */
    public void fill(int i, long la, PageWalker.Start next) {
        if (mode == PagingMode.PAE && i == 0) {
            return; // PDPTE registers are not part of the paging-structure caches
        }
        if (byLevel[i] == null) {
            byLevel[i] = new HashMap<>();
        }
        byLevel[i].put(key(PagingGeometry.levels(mode).get(i), la), next);
    }

    /** #PF delivery: drop the entries that would be used to translate {@code la}. */
    public void invalidateAddress(long la) {
        List<LevelGeometry> geo = PagingGeometry.levels(mode);
        for (int i = 0; i < byLevel.length; i++) {
            if (byLevel[i] != null && !byLevel[i].isEmpty()) {
                byLevel[i].remove(key(geo.get(i), la));
            }
        }
    }

    /** INVLPG, MOV CR3 and full flushes: paging-structure caches are emptied entirely (§1.1f). */
    public void flushAll() {
        for (Map<Long, PageWalker.Start> m : byLevel) {
            if (m != null) {
                m.clear();
            }
        }
    }

    /** One cached entry: the level index it was filled at, its key ({@code la >>> shift}), where the walk goes on. */
    public record Cached(int levelIndex, long key, PageWalker.Start next) {
    }

    /** Every cached entry, by level then key (a deterministic view). */
    public java.util.List<Cached> entries() {
        java.util.List<Cached> out = new java.util.ArrayList<>();
        for (int i = 0; i < byLevel.length; i++) {
            if (byLevel[i] != null) {
                for (Map.Entry<Long, PageWalker.Start> e : new java.util.TreeMap<>(byLevel[i]).entrySet()) {
                    out.add(new Cached(i, e.getKey(), e.getValue()));
                }
            }
        }
        return out;
    }

    public int size() {
        int n = 0;
        for (Map<Long, PageWalker.Start> m : byLevel) {
            n += m == null ? 0 : m.size();
        }
        return n;
    }
}
