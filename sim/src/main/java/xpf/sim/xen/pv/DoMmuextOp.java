package xpf.sim.xen.pv;

import xpf.model.scenario.HypercallOp;
import xpf.sim.xen.XenFunction;
import xpf.sim.xen.mm.PageInfo;
import xpf.sim.xen.mm.PageRefs;
import xpf.sim.xen.mm.PageType;

/**
 * {@code HYPERVISOR_mmuext_op} (xen-pv-fault-path.md §4.6; {@code do_mmuext_op}, xen/arch/x86/mm.c): pin/unpin,
 * base pointers, TLB maintenance, LDT, page clear/copy. Stops at the first failing command.
 *
 * <p>Model limits: {@code *_MULTI} vCPU masks are taken as "all vCPUs"; FLUSH_CACHE only checks permission.
 */
final class DoMmuextOp {
    static final int PIN_L1_TABLE = 0;
    static final int PIN_L4_TABLE = 3;
    static final int UNPIN_TABLE = 4;
    static final int NEW_BASEPTR = 5;
    static final int TLB_FLUSH_LOCAL = 6;
    static final int INVLPG_LOCAL = 7;
    static final int TLB_FLUSH_MULTI = 8;
    static final int INVLPG_MULTI = 9;
    static final int TLB_FLUSH_ALL = 10;
    static final int INVLPG_ALL = 11;
    static final int FLUSH_CACHE = 12;
    static final int SET_LDT = 13;
    static final int NEW_USER_BASEPTR = 15;
    static final int CLEAR_PAGE = 16;
    static final int COPY_PAGE = 17;

    private final PvDomain d;

    DoMmuextOp(PvDomain d) {
        this.d = d;
    }

    @XenFunction(symbol = "do_mmuext_op", file = "xen/arch/x86/mm.c", version = "3.1, 4.22")
    DoMmuUpdate.Result doMmuextOp(PvVcpu v, HypercallOp.MmuextOp op) {
        Integer pgOwner = d.mmuUpdate().pgOwner(op.foreignDom());
        if (pgOwner == null) {
            return new DoMmuUpdate.Result(Rc.ESRCH, 0);
        }
        int i = 0;
        int rc = Rc.OK;
        for (; i < op.ops().size(); i++) {
            HypercallOp.MmuextOp.Request r = op.ops().get(i);
            d.mm().resetFailure();
            rc = one(v, r, pgOwner);
            d.trace().call("do_mmuext_op", "op", i, "cmd", r.cmd(), "arg1", r.arg1(), "result", Rc.name(rc), "why",
                    d.mm().lastFailure().isEmpty() ? "-" : d.mm().lastFailure());
            if (rc != 0) {
                break;
            }
        }
        return new DoMmuUpdate.Result(rc, i);
    }

    private int one(PvVcpu v, HypercallOp.MmuextOp.Request r, int pgOwner) {
        int cmd = r.cmd();
        boolean self = pgOwner == d.domid();
        switch (cmd) {
            case PIN_L1_TABLE, PIN_L1_TABLE + 1, PIN_L1_TABLE + 2, PIN_L4_TABLE -> {
                if (cmd == PIN_L4_TABLE && d.pv32()) {
                    return Rc.OK; // "Ignore pinning of invalid paging levels."
                }
                return pin(r.arg1(), PageType.pageTable(cmd - PIN_L1_TABLE + 1), pgOwner);
            }
            case UNPIN_TABLE -> {
                return unpin(r.arg1(), pgOwner);
            }
            case NEW_BASEPTR -> {
                return self ? d.mm().newGuestCr3(v, r.arg1()) : Rc.EPERM;
            }
            case NEW_USER_BASEPTR -> {
                if (!self) {
                    return Rc.EPERM;
                }
                return d.pv32() ? Rc.EINVAL : d.mm().newUserBaseptr(v, r.arg1());
            }
            case TLB_FLUSH_LOCAL -> {
                v.mmu.flushAll();
                return Rc.OK;
            }
            case INVLPG_LOCAL -> {
                if (!self) {
                    return Rc.EPERM;
                }
                v.mmu.invlpg(r.arg1());
                return Rc.OK;
            }
            case TLB_FLUSH_MULTI, TLB_FLUSH_ALL -> {
                d.flushAllTlbs("mmuext tlb flush");
                return Rc.OK;
            }
            case INVLPG_MULTI, INVLPG_ALL -> {
                d.invlpgAll(r.arg1());
                return Rc.OK;
            }
            case FLUSH_CACHE -> {
                if (!self) {
                    return Rc.EPERM;
                }
                return d.cacheFlushPermitted() ? Rc.OK : Rc.EACCES;
            }
            case SET_LDT -> {
                return setLdt(v, r.arg1(), r.arg2(), self);
            }
            case CLEAR_PAGE -> {
                return clearOrCopy(r.arg1(), -1, pgOwner);
            }
            case COPY_PAGE -> {
                return clearOrCopy(r.arg1(), r.arg2(), pgOwner);
            }
            default -> {
                return Rc.ENOSYS;
            }
        }
    }

    /** MMUEXT_PIN_Lx_TABLE ({@code do_mmuext_op}): typed (validated) and pinned; holds a general + type ref. */
    int pin(long mfn, PageType type, int pgOwner) {
        PageInfo page = d.frameTable().get(mfn);
        if (page == null || page.owner() != pgOwner || pgOwner != d.domid()) {
            return Rc.EINVAL;
        }
        int rc = d.mm().getPageAndTypeFromMfn(mfn, type, false);
        if (rc != 0) {
            return rc;
        }
        if (page.pinned()) {
            PageRefs.putPageAndType(page, d.mm());
            return Rc.EINVAL;
        }
        page.setPinned(true);
        if (d.logDirty()) {
            d.markDirty(mfn);
        }
        return Rc.OK;
    }

    /** MMUEXT_UNPIN_TABLE: not pinned → -EINVAL; else drop the pin's references (may de-validate). */
    int unpin(long mfn, int pgOwner) {
        PageInfo page = d.frameTable().get(mfn);
        if (!PageRefs.getPage(page, pgOwner)) {
            return Rc.EINVAL;
        }
        if (!page.pinned()) {
            PageRefs.putPage(page);
            return Rc.EINVAL;
        }
        page.setPinned(false);
        PageRefs.putPageAndType(page, d.mm());
        PageRefs.putPage(page);
        return Rc.OK;
    }

    /**
     * MMUEXT_SET_LDT: page-aligned base, a valid guest address, at most 8192 entries; a change drops the LDT shadow
     * mappings ({@code pv_destroy_ldt}).
     */
    int setLdt(PvVcpu v, long ptr, long ents, boolean self) {
        if (!self) {
            return Rc.EPERM;
        }
        boolean addrOk = d.pv32() ? ptr < (1L << 32) : PvLayout.addrOk(ptr);
        if ((ptr & 0xFFF) != 0 || ents > 8192 || !addrOk) {
            return Rc.EINVAL;
        }
        if (v.ldtEnts != ents || v.ldtBase != ptr) {
            d.invalidateShadowLdt(v);
            v.ldtBase = ptr;
            v.ldtEnts = (int) ents;
        }
        return Rc.OK;
    }

    /** MMUEXT_CLEAR_PAGE / COPY_PAGE: the destination must be (able to become) writable, the source the owner's. */
    private int clearOrCopy(long dst, long src, int pgOwner) {
        PageInfo dp = d.frameTable().get(dst);
        if (!PageRefs.getPage(dp, pgOwner)) {
            return Rc.EINVAL;
        }
        try {
            if (PageRefs.getPageType(dp, PageType.WRITABLE, false, d.mm()) != 0) {
                return Rc.EINVAL;
            }
            try {
                if (src < 0) {
                    d.memory().clearFrame(dst);
                } else {
                    PageInfo sp = d.frameTable().get(src);
                    if (!PageRefs.getPage(sp, pgOwner)) {
                        return Rc.EINVAL;
                    }
                    for (int w = 0; w < 512; w++) {
                        d.memory().writeWord((dst << 12) + 8L * w, d.memory().readWord((src << 12) + 8L * w));
                    }
                    PageRefs.putPage(sp);
                }
                if (d.logDirty()) {
                    d.markDirty(dst);
                }
                return Rc.OK;
            } finally {
                PageRefs.putPageType(dp, d.mm());
            }
        } finally {
            PageRefs.putPage(dp);
        }
    }
}
