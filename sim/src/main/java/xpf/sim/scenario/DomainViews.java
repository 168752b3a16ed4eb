package xpf.sim.scenario;

import java.util.List;
import xpf.model.x86.PscEntryView;
import xpf.model.x86.TlbEntryView;
import xpf.model.xen.DomainView;
import xpf.sim.domain.GuestDomain;
import xpf.sim.x86.Mmu;
import xpf.sim.x86.PagingStructureCache;
import xpf.sim.x86.Tlb;
import xpf.sim.xen.pv.PvDomain;
import xpf.sim.xen.pv.PvDomainViews;

/**
 * Plain-data views of running domains ({@link DomainView}), for the reference model and invariants. One adapter per
 * domain kind; the x86 parts (TLB, paging-structure caches) are shared here.
 */
public final class DomainViews {

    private DomainViews() {
    }

    /** The view of {@code g} now. */
    public static DomainView of(GuestDomain g) {
        if (g instanceof BareDomain b) {
            return b.view();
        }
        if (g instanceof xpf.sim.xen.hvm.HvmDomain h) {
            return xpf.sim.xen.hvm.HvmDomainViews.of(h);
        }
        if (g instanceof PvDomain p) {
            return PvDomainViews.of(p);
        }
        throw new IllegalArgumentException("no view for " + g.kind().wireName() + " domains yet");
    }

    public static List<TlbEntryView> tlb(Mmu mmu) {
        List<Tlb.Entry> es = mmu.tlb().entries();
        TlbEntryView[] out = new TlbEntryView[es.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = tlbEntry(es.get(i));
        }
        return List.of(out);
    }

    static TlbEntryView tlbEntry(Tlb.Entry e) {
        return new TlbEntryView(e.vaBase(), e.pageSize(), e.paBase(), e.rights().user(), e.rights().writable(),
                e.rights().executeDisable(), e.rights().pkey(), e.dirty(), e.global());
    }

    public static List<PscEntryView> psc(Mmu mmu) {
        List<PagingStructureCache.Cached> cs = mmu.pagingStructureCache().entries();
        PscEntryView[] out = new PscEntryView[cs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = pscEntry(cs.get(i));
        }
        return List.of(out);
    }

    static PscEntryView pscEntry(PagingStructureCache.Cached c) {
        return new PscEntryView(c.levelIndex(), c.key(), c.next().tableBase(), c.next().user(), c.next().writable(),
                c.next().executeDisable());
    }
}
