package xpf.sim.xen.pv;

import xpf.model.scenario.HypercallOp;
import xpf.sim.xen.XenFunction;
import xpf.sim.xen.mm.PageInfo;
import xpf.sim.xen.mm.PageRefs;
import xpf.sim.xen.mm.PageType;

/**
 * {@code HYPERVISOR_update_va_mapping(va, val, flags)} ({@code __do_update_va_mapping}, xen/arch/x86/mm.c): find the
 * L1 entry that maps {@code va} through Xen's linear page table ({@code map_guest_l1e} reads the L2 entry at
 * {@code __linear_l2_table}, on the vCPU's MMU, so its TLB and paging-structure caches apply: XSA-286), update it with
 * {@code mod_l1_entry}, then flush as asked. 4.22 flushes only after a successful update (XSA-279).
 */
final class DoUpdateVaMapping {
    static final long UVMF_FLUSHTYPE_MASK = 3;
    static final long UVMF_TLB_FLUSH = 1;
    static final long UVMF_INVLPG = 2;
    static final long UVMF_ALL = 4;

    private final PvDomain d;

    DoUpdateVaMapping(PvDomain d) {
        this.d = d;
    }

    @XenFunction(symbol = "do_update_va_mapping", file = "xen/arch/x86/mm.c", version = "3.1, 4.22")
    int doUpdateVaMapping(PvVcpu v, HypercallOp.UpdateVaMapping op) {
        long va = op.va();
        d.mm().resetFailure();
        int rc = Rc.EINVAL;
        long gl1mfn = mapGuestL1e(v, va);
        if (gl1mfn >= 0) {
            PageInfo page = d.frameTable().get(gl1mfn);
            if (PageRefs.getPage(page, d.domid())) {
                boolean locked = page.validated() && page.typeCount() > 0;
                if (locked && page.type() == PageType.L1_PAGE_TABLE) {
                    rc = d.mm().modL1Entry(gl1mfn, (int) ((va >>> 12) & 511), op.val(), false, d.domid());
                }
                PageRefs.putPage(page);
            }
        }
        d.trace().call("do_update_va_mapping", "va", va, "val", op.val(), "flags", op.flags(), "result",
                Rc.name(rc), "why", d.mm().lastFailure().isEmpty() ? "-" : d.mm().lastFailure());
        if (rc != 0 && !d.profile().flushEvenAfterFailedUpdate()) {
            return rc;
        }
        long type = op.flags() & UVMF_FLUSHTYPE_MASK;
        boolean all = (op.flags() & ~UVMF_FLUSHTYPE_MASK) != 0; // UVMF_ALL or a vCPU mask: every vCPU here
        if (type == UVMF_TLB_FLUSH) {
            if (all) {
                d.flushAllTlbs("update_va_mapping UVMF_TLB_FLUSH|UVMF_ALL");
            } else {
                v.mmu.flushAll();
            }
        } else if (type == UVMF_INVLPG) {
            if (all) {
                d.invlpgAll(va);
            } else {
                v.mmu.invlpg(va);
            }
        }
        return rc;
    }

    /**
     * {@code map_guest_l1e} (3.1 {@code guest_map_l1e}): the L2 entry for {@code va} read through the linear page
     * table must be present and not a superpage; its frame is the L1. -1 when there is none.
     */
    @XenFunction(symbol = "map_guest_l1e", file = "xen/arch/x86/pv/mm.c; 3.1: xen/include/asm-x86/paging.h",
            version = "3.1, 4.22",
            formerly = "guest_map_l1e")
    long mapGuestL1e(PvVcpu v, long va) {
        String sym = d.profile().symbol("map_guest_l1e");
        boolean ok = d.pv32() ? va < (1L << 32) : PvLayout.addrOk(va);
        if (!ok) {
            d.trace().call(sym, "va", va, "result", "NULL", "why", "address not ok");
            return -1;
        }
        XenGuestAccess.Result r = d.access().read(v, PvLayout.linearL2eAddress(va), 8, XenSite.LINEAR_PT);
        if (!r.ok() || (r.value() & (Pte.P | Pte.PSE)) != Pte.P) {
            d.trace().call(sym, "va", va, "result", "NULL", "l2e", r.ok() ? r.value() : 0L);
            return -1;
        }
        long mfn = Pte.mfn(r.value());
        d.trace().call(sym, "va", va, "l2e", r.value(), "gl1mfn", mfn);
        return mfn;
    }
}
