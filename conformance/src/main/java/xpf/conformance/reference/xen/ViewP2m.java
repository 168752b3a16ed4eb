package xpf.conformance.reference.xen;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import xpf.model.xen.HvmDomainView;

/**
 * The view's p2m list read by gfn without copying it into a map per step: what a map built from the list (later
 * entries replacing earlier ones) would answer.
 */
final class ViewP2m {
    private final List<HvmDomainView.P2m> list;
    /** Whether the list is in strictly ascending gfn order: 0 not yet known, 1 yes, -1 no. */
    private int ascending;
    /** The list by gfn, built on the first lookup when the list is long and not in order. */
    private Map<Long, HvmDomainView.P2m> index;

    ViewP2m(List<HvmDomainView.P2m> list) {
        this.list = list;
    }

    /**
     * The view's entry for {@code gfn} (the last listed, as a map built from the list keeps), or null: a scan of a
     * short list, a binary search of a list in ascending gfn order (as the simulator lists it), else a map built on
     * the first lookup.
     */
    HvmDomainView.P2m get(long gfn) {
        if (list.size() <= 8) {
            for (int i = list.size() - 1; i >= 0; i--) {
                if (list.get(i).gfn() == gfn) {
                    return list.get(i);
                }
            }
            return null;
        }
        if (ascending == 0) {
            ascending = 1;
            for (int i = 1; i < list.size(); i++) {
                if (list.get(i - 1).gfn() >= list.get(i).gfn()) {
                    ascending = -1;
                    break;
                }
            }
        }
        if (ascending > 0) {
            int lo = 0;
            int hi = list.size() - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                long g = list.get(mid).gfn();
                if (g < gfn) {
                    lo = mid + 1;
                } else if (g > gfn) {
                    hi = mid - 1;
                } else {
                    return list.get(mid);
                }
            }
            return null;
        }
        if (index == null) {
            index = new HashMap<>();
            for (HvmDomainView.P2m e : list) {
                index.put(e.gfn(), e);
            }
        }
        return index.get(gfn);
    }
}
