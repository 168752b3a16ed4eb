package xpf.sim.xen.pv;

import java.util.List;
import xpf.model.scenario.HypercallOp;
import xpf.sim.xen.XenFunction;
import xpf.sim.xen.mm.FrameTable;
import xpf.sim.xen.mm.PageInfo;
import xpf.sim.xen.mm.PageRefs;
import xpf.sim.xen.mm.PageType;

/**
 * {@code HYPERVISOR_mmu_update} (xen-pv-fault-path.md §4.7; {@code do_mmu_update}, xen/arch/x86/mm.c): requests run
 * in order and stop at the first failure, whose errno is returned with the count done. A normal update dispatches on
 * the type of the frame holding the entry: page tables go through {@code mod_lN_entry}, a frame that is (or can
 * become) writable is a plain store, anything else is -EINVAL. After a successful L2+ change the page-table owner's
 * TLBs are flushed (4.22; the missing flush is XSA-286).
 *
 * <p>Model limits: {@code foreigndom} may name the caller ({@code DOMID_SELF} or its own id) or {@code DOMID_IO};
 * page tables of another domain (the PFD half) are refused with -ESRCH. No preemption (-ERESTART) happens.
 */
final class DoMmuUpdate {
    static final int MMU_NORMAL_PT_UPDATE = 0;
    static final int MMU_MACHPHYS_UPDATE = 1;
    static final int MMU_PT_UPDATE_PRESERVE_AD = 2;
    static final int MMU_PT_UPDATE_NO_TRANSLATE = 3;

    /** The return code and the number of requests completed. */
    record Result(long rc, int done) {
    }

    private final PvDomain d;

    DoMmuUpdate(PvDomain d) {
        this.d = d;
    }

    /**
     * {@code get_pg_owner} (common/page_alloc.c; 3.1 {@code set_foreigndom}): DOMID_SELF is the caller, the caller's
     * own id is refused ("Cannot specify itself as foreign domain"), DOMID_IO is I/O memory. Other domains are not
     * modelled as page owners (XSM would refuse a domU anyway). Null = -ESRCH.
     */
    Integer pgOwner(int foreignDom) {
        int fd = foreignDom & 0xFFFF;
        if (fd == PvLayout.DOMID_SELF) {
            return d.domid();
        }
        if (fd == FrameTable.DOMID_IO) {
            return FrameTable.DOMID_IO;
        }
        return null;
    }

    @XenFunction(symbol = "do_mmu_update", file = "xen/arch/x86/mm.c", version = "3.1, 4.22")
    Result doMmuUpdate(PvVcpu v, HypercallOp.MmuUpdate op) {
        int ptDom = (op.foreignDom() >>> 16) & 0xFFFF;
        if (ptDom != 0 && ptDom - 1 != d.domid()) {
            d.trace().call("do_mmu_update", "result", "-ESRCH", "why", "foreign page-table owner not modelled");
            return new Result(Rc.ESRCH, 0);
        }
        Integer pgOwner = pgOwner(op.foreignDom());
        if (pgOwner == null) {
            d.trace().call("do_mmu_update", "result", "-ESRCH", "foreigndom", op.foreignDom());
            return new Result(Rc.ESRCH, 0);
        }
        List<HypercallOp.MmuUpdate.Request> reqs = op.requests();
        boolean flushLinearPt = false;
        int rc = Rc.OK;
        int i = 0;
        for (; i < reqs.size(); i++) {
            HypercallOp.MmuUpdate.Request req = reqs.get(i);
            int cmd = (int) (req.ptr() & 7);
            long ptr = req.ptr() & ~7L;
            d.mm().resetFailure();
            switch (cmd) {
                case MMU_NORMAL_PT_UPDATE, MMU_PT_UPDATE_PRESERVE_AD, MMU_PT_UPDATE_NO_TRANSLATE -> {
                    UpdateOutcome u = normalUpdate(ptr, req.val(), cmd == MMU_PT_UPDATE_PRESERVE_AD, pgOwner);
                    rc = u.rc;
                    flushLinearPt |= u.upperLevelChanged;
                }
                case MMU_MACHPHYS_UPDATE -> rc = machphysUpdate(ptr, req.val(), pgOwner);
                default -> rc = Rc.ENOSYS;
            }
            d.trace().call("do_mmu_update", "request", i, "cmd", cmd, "ptr", ptr, "val", req.val(), "result",
                    Rc.name(rc), "why", d.mm().lastFailure().isEmpty() ? "-" : d.mm().lastFailure());
            if (rc != 0) {
                break;
            }
        }
        if (flushLinearPt) {
            if (d.profile().flushAfterUpperPtChange() && !d.xen().bug(PvBug.XSA_286)) {
                d.flushAllTlbs("do_mmu_update: L2+ entry changed (flush_linear_pt)");
            } else {
                d.trace().note("no TLB flush after the L2+ change (" + (d.xen().bug(PvBug.XSA_286) ? "seeded XSA-286"
                        : "Xen " + d.profile().version()) + "): Xen's linear mappings may be stale");
            }
        }
        return new Result(rc, i);
    }

    private record UpdateOutcome(int rc, boolean upperLevelChanged) {
    }

    /** MMU_NORMAL_PT_UPDATE: look up the frame, lock it, dispatch on its type. */
    private UpdateOutcome normalUpdate(long ptr, long val, boolean preserveAd, int pgOwner) {
        long mfn = ptr >>> 12;
        int index = (int) ((ptr & 0xFFF) >>> 3);
        PageInfo page = d.frameTable().get(mfn);
        if (!PageRefs.getPage(page, d.domid())) {
            d.trace().call("get_page_from_gfn", "result", "none", "mfn", mfn, "why", "not the caller's RAM");
            return new UpdateOutcome(Rc.EINVAL, false);
        }
        try {
            boolean locked = page.validated() && page.typeCount() > 0; // page_lock
            if (locked) {
                PageType type = page.type();
                switch (type) {
                    case L1_PAGE_TABLE -> {
                        return new UpdateOutcome(d.mm().modL1Entry(mfn, index, val, preserveAd, pgOwner), false);
                    }
                    case L2_PAGE_TABLE, L3_PAGE_TABLE, L4_PAGE_TABLE -> {
                        if (pgOwner != d.domid()) {
                            return new UpdateOutcome(Rc.EINVAL, false);
                        }
                        int rc = d.mm().modUpperEntry(type.level(), mfn, index, val, preserveAd);
                        return new UpdateOutcome(rc, rc == 0);
                    }
                    case WRITABLE -> {
                        plainStore(mfn, index, val);
                        return new UpdateOutcome(Rc.OK, false);
                    }
                    default -> {
                        return new UpdateOutcome(Rc.EINVAL, false);
                    }
                }
            }
            if (PageRefs.getPageType(page, PageType.WRITABLE, false, d.mm()) == 0) {
                plainStore(mfn, index, val);
                PageRefs.putPageType(page, d.mm());
                return new UpdateOutcome(Rc.OK, false);
            }
            return new UpdateOutcome(Rc.EINVAL, false);
        } finally {
            PageRefs.putPage(page);
        }
    }

    /** {@code paging_write_guest_entry} on a frame that is not a page table: an ordinary store. */
    private void plainStore(long mfn, int index, long val) {
        d.mm().writeEntry(mfn, index, val);
        if (d.logDirty()) {
            d.markDirty(mfn);
        }
        d.trace().call("paging_write_guest_entry", "mfn", mfn, "slot", index, "val", val);
    }

    /** MMU_MACHPHYS_UPDATE: M2P[mfn] = val for a frame the page owner owns. */
    private int machphysUpdate(long ptr, long gpfn, int pgOwner) {
        long mfn = ptr >>> 12;
        PageInfo page = d.frameTable().get(mfn);
        if (page == null || page.owner() != pgOwner || pgOwner == FrameTable.DOMID_IO) {
            return Rc.EINVAL;
        }
        d.setM2p(mfn, gpfn);
        if (d.logDirty()) {
            d.markDirty(mfn);
        }
        return Rc.OK;
    }
}
