package xpf.sim.xen.pv;

import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Insn;
import xpf.model.x86.Vectors;
import xpf.sim.trace.Trace;
import xpf.sim.xen.XenFunction;
import xpf.sim.xen.emul.EmulEvent;
import xpf.sim.xen.emul.EmulOps;
import xpf.sim.xen.emul.EmulResult;
import xpf.sim.xen.emul.X86Emulate;
import xpf.sim.xen.mm.FrameTable;
import xpf.sim.xen.mm.PageInfo;
import xpf.sim.xen.mm.PageRefs;
import xpf.sim.xen.mm.PageType;

/**
 * Writes of a guest kernel through read-only mappings that Xen performs itself (xen-pv-fault-path.md §3;
 * xen/arch/x86/pv/ro-page-fault.c, in 3.1 xen/arch/x86/mm.c): writable page tables ("ptwr": the guest writes a PTE
 * of its own L1 table, Xen validates the new entry and stores it) and, for the hardware domain, read-only MMIO.
 * Any refusal leaves the original #PF to be forwarded: the guest is never crashed for it.
 */
final class PvRoPageFault {

    private final PvDomain d;

    PvRoPageFault(PvDomain d) {
        this.d = d;
    }

    private Trace t() {
        return d.trace();
    }

    /**
     * {@code pv_ro_page_fault} (§3.1 steps 2-4, §3.5): the effective kernel L1 entry for the address must be present
     * and read-only; read-only MMIO frames of the hardware domain go to the MMIO emulator, everything else to ptwr;
     * the emulator's result is mapped to fixed / forwarded / not fixed.
     */
    @XenFunction(symbol = "pv_ro_page_fault", file = "xen/arch/x86/pv/ro-page-fault.c", version = "4.22")
    Fix pvRoPageFault(PvVcpu v, long addr, PfRegs regs) {
        traceRo(d.profile().symbol("pv_ro_page_fault"), "va", addr);
        long pte = d.profile().ptwrReadsKernelL1e() ? d.guestGetEffKernL1e(v, addr) : d.guestGetEffL1e(v, addr);
        String sym = d.profile().symbol("pv_ro_page_fault");
        if ((pte & (Pte.P | Pte.RW)) != Pte.P) {
            traceRo(sym, "result", "0", "pte", pte, "why", "effective L1e not present+read-only");
            return Fix.NOT_FIXED;
        }
        long mfn = Pte.mfn(pte);
        boolean mmioRo = d.profile().mmioRoEmulation() && d.hardwareDomain() && d.mmioRo(mfn);
        EmulResultWithEvent r;
        if (mmioRo) {
            r = mmioRoDoPageFault(v, addr, pte);
        } else {
            r = ptwrDoPageFault(v, addr, pte);
        }
        String what = mmioRo ? "mmio_ro" : "ptwr";
        traceRo(sym, "result", r.rc().name(), "pte", pte, "path", what);
        return switch (r.rc()) {
            case OKAY -> {
                t().note("RIP advanced past the emulated instruction");
                yield Fix.emulated(what);
            }
            case RETRY -> Fix.fixed(what + "_retry");
            case EXCEPTION -> {
                EmulEvent e = r.event();
                if (e != null && e.vector() == Vectors.PF) {
                    d.inject().pvInjectPageFault(v, e.errorCode(), e.cr2());
                    yield Fix.forwarded(what + "_pf");
                }
                t().note("Unexpected event from emulation: dropped");
                yield Fix.fixed(what + "_event_dropped");
            }
            case UNHANDLEABLE -> Fix.NOT_FIXED;
        };
    }

    /** 3.1 had no {@code pv_ro_page_fault} wrapper (its symbol is empty there): nothing to record. */
    private void traceRo(String sym, Object... kv) {
        if (!sym.isEmpty()) {
            t().call(sym, kv);
        }
    }

    /** An emulator return code with the event it raised (null if none). */
    record EmulResultWithEvent(EmulResult rc, EmulEvent event) {
    }

    /**
     * {@code ptwr_do_page_fault} (§3.1 step 5): the frame behind the read-only mapping must be the current
     * domain's, lockable (validated, type count &gt; 0) and typed exactly L1; then {@code x86_emulate} with the ptwr
     * ops. 3.1 checked the same under the domain's big lock, without a general reference.
     */
    @XenFunction(symbol = "ptwr_do_page_fault", file = "xen/arch/x86/pv/ro-page-fault.c; 3.1: xen/arch/x86/mm.c",
            version = "3.1, 4.22")
    EmulResultWithEvent ptwrDoPageFault(PvVcpu v, long addr, long pte) {
        long mfn = Pte.mfn(pte);
        t().call("ptwr_do_page_fault", "va", addr, "mfn", mfn);
        PageInfo page = d.frameTable().get(mfn);
        boolean lockable = page != null && page.owner() == d.domid() && page.validated() && page.typeCount() > 0;
        boolean typeOk = page != null && (page.type() == PageType.L1_PAGE_TABLE
                || (d.xen().bug(PvBug.PTWR_L2) && page.type() == PageType.L2_PAGE_TABLE));
        boolean refTaken = false;
        if (d.profile().ptwrUsesPageLock()) {
            refTaken = PageRefs.getPage(page, d.domid());
            if (!refTaken) {
                t().call("ptwr_do_page_fault", "result", "UNHANDLEABLE", "why", "frame not owned by the domain",
                        "mfn", mfn);
                return new EmulResultWithEvent(EmulResult.UNHANDLEABLE, null);
            }
        }
        try {
            if (!lockable || !typeOk) {
                t().call("ptwr_do_page_fault", "result", "UNHANDLEABLE", "why", page == null ? "no page"
                        : "frame is " + page.type() + " (count " + page.typeCount() + "), not a validated L1", "mfn",
                        mfn);
                return new EmulResultWithEvent(EmulResult.UNHANDLEABLE, null);
            }
            PtwrOps ops = new PtwrOps(v, addr, pte);
            GuestAccess insn = d.currentAccess();
            t().call("x86_emulate", "ops", "ptwr_emulate_ops", "insn", insn.insn() == null ? "-"
                    : insn.insn().wireName(), "size", insn.size(), "va", insn.va());
            X86Emulate.Result r = X86Emulate.emulate(insn, ops, d.currentKnobs().emulatorFails());
            t().call("x86_emulate", "result", r.rc().name(), "injected_failure", d.currentKnobs().emulatorFails());
            t().call("ptwr_do_page_fault", "result", r.rc().name(), "mfn", mfn);
            return new EmulResultWithEvent(r.rc(), r.event());
        } finally {
            if (refTaken) {
                PageRefs.putPage(page);
            }
        }
    }

    /** The emulator callbacks of ptwr ({@code ptwr_emulate_ops}). */
    private final class PtwrOps implements EmulOps {
        private final PvVcpu v;
        private final long cr2;
        private final long pte;
        private EmulEvent raised;

        PtwrOps(PvVcpu v, long cr2, long pte) {
            this.v = v;
            this.cr2 = cr2;
            this.pte = pte;
        }

        /** {@code pv_emul_is_mem_write}: only instructions that write memory are emulated. */
        @Override
        public boolean validate(Insn insn, int size) {
            return insn != Insn.LOAD;
        }

        /** {@code ptwr_emulated_read}: a failed read becomes #PF(0) at the first byte not copied. */
        @Override
        public EmulResult read(long va, int size, long[] out) {
            if (!d.pv32() && !PvLayout.addrOk(va)) {
                raised = new EmulEvent(Vectors.PF, 0, va);
                return EmulResult.EXCEPTION;
            }
            XenGuestAccess.Result r = d.access().read(v, va, size, XenSite.COPY_FROM_GUEST);
            if (!r.ok()) {
                raised = new EmulEvent(Vectors.PF, 0, r.faultVa());
                return EmulResult.EXCEPTION;
            }
            out[0] = r.value();
            return EmulResult.OKAY;
        }

        /** {@code ptwr_emulated_write}: power-of-two sizes up to 8 bytes. */
        @Override
        public EmulResult write(long va, int size, long value) {
            if (size > 8 || (size & (size - 1)) != 0 || size == 0) {
                t().call("ptwr_emulated_write", "result", "UNHANDLEABLE", "why", "bad write size " + size);
                return EmulResult.UNHANDLEABLE;
            }
            return ptwrEmulatedUpdate(v, va, null, value, size, cr2, pte, null, this);
        }

        /** {@code ptwr_emulated_cmpxchg}: a compare failure is OKAY with the observed value (EmulOps contract). */
        @Override
        public EmulResult cmpxchg(long va, int size, long old, long neu, long[] observed) {
            if (size > 8 || (size & (size - 1)) != 0) {
                return EmulResult.UNHANDLEABLE;
            }
            return ptwrEmulatedUpdate(v, va, old, neu, size, cr2, pte, observed, this);
        }

        @Override
        public EmulEvent raised() {
            return raised;
        }

        void raise(EmulEvent e) {
            raised = e;
        }
    }

    /**
     * {@code ptwr_emulated_update} (§3.2-§3.4): the store must be naturally aligned and inside the page that
     * faulted; sub-word stores are spliced into the full PTE; the new PTE is validated with {@code
     * get_page_from_l1e} (refusal: UNHANDLEABLE, so the guest gets its #PF); it is adjusted and stored (or
     * compare-exchanged); then TRC_PV_PTWR_EMULATION and the old PTE's references are dropped.
     *
     * @param pOld the compare value for cmpxchg, null for a plain write
     */
    @XenFunction(symbol = "ptwr_emulated_update", file = "xen/arch/x86/pv/ro-page-fault.c; 3.1: xen/arch/x86/mm.c",
            version = "3.1, 4.22")
    EmulResult ptwrEmulatedUpdate(PvVcpu v, long addr, Long pOld, long val, int bytes, long cr2, long pte,
            long[] observed, PtwrOps ops) {
        long unaligned = addr;
        if (((addr ^ cr2) & ~0xFFFL) != 0 || (addr & (bytes - 1)) != 0) {
            t().call("ptwr_emulated_update", "result", "UNHANDLEABLE", "why", "store not naturally aligned inside "
                    + "the faulting page", "addr", addr, "bytes", bytes);
            return EmulResult.UNHANDLEABLE;
        }
        long old = pOld == null ? 0 : pOld;
        int offset = 0;
        if (bytes != 8) {
            offset = (int) (addr & 7) * 8;
            addr &= ~7L;
            XenGuestAccess.Result r = d.access().read(v, addr, 8, XenSite.COPY_FROM_GUEST);
            if (!r.ok()) {
                ops.raise(new EmulEvent(Vectors.PF, 0, r.faultVa()));
                return EmulResult.EXCEPTION;
            }
            long full = r.value();
            long m = (1L << (bytes * 8)) - 1;
            full &= ~(m << offset);
            val = ((val & m) << offset) | full;
            old = ((old & m) << offset) | full;
        }
        long mfn = Pte.mfn(pte);
        long nl1e = val;
        d.mm().resetFailure();
        if (Pte.present(nl1e)) {
            int rc = d.mm().getPageFromL1e(nl1e, d.domid());
            if (rc < 0) {
                if (d.pv32() && bytes == 4 && (unaligned & 4) != 0 && pOld == null) {
                    // Upper half of a PAE PTE written first: Xen assumes the halves come in the wrong order.
                    nl1e &= ~Pte.P;
                } else {
                    t().call("ptwr_emulated_update", "result", "UNHANDLEABLE", "why", "get_page_from_l1e: "
                            + Rc.name(rc) + " (" + d.mm().lastFailure() + ")", "new", nl1e);
                    return EmulResult.UNHANDLEABLE;
                }
            } else if (rc > 0) {
                nl1e ^= rc;
            }
        }
        nl1e = d.mm().adjustGuestL1e(nl1e);
        long pa = (mfn << 12) + (addr & 0xFFF);
        long ol1e;
        if (pOld != null) {
            long cur = d.memory().readWord(pa);
            if (cur != old) {
                if (observed != null) {
                    observed[0] = cur >>> offset;
                    if (bytes < 8) {
                        observed[0] &= (1L << (bytes * 8)) - 1;
                    }
                }
                d.mm().putPageFromL1e(nl1e);
                t().call("ptwr_emulated_update", "result", "CMPXCHG_FAILED", "addr", addr, "seen", cur);
                return EmulResult.OKAY;
            }
            if (observed != null) {
                observed[0] = pOld;
            }
            ol1e = old;
        } else {
            ol1e = d.memory().readWord(pa);
        }
        d.memory().writeWord(pa, nl1e);
        if (d.logDirty()) {
            d.markDirty(mfn);
        }
        t().call("ptwr_emulated_update", "result", "OKAY", "addr", addr, "old", ol1e, "new", nl1e);
        d.pvTrace().ptwrEmulation(nl1e, addr, v.rip);
        d.mm().putPageFromL1e(ol1e);
        return EmulResult.OKAY;
    }

    /**
     * {@code mmio_ro_do_page_fault} (§3.6): the frame must be I/O memory; naturally aligned writes exactly at CR2
     * are accepted and go to the sub-page R/O MMIO emulator, which the model has no registers for (dropped).
     */
    @XenFunction(symbol = "mmio_ro_do_page_fault", file = "xen/arch/x86/pv/ro-page-fault.c", version = "4.22")
    EmulResultWithEvent mmioRoDoPageFault(PvVcpu v, long addr, long pte) {
        long mfn = Pte.mfn(pte);
        PageInfo page = d.frameTable().get(mfn);
        if (d.mm().mfnValid(mfn) && (page == null || page.owner() != FrameTable.DOMID_IO)) {
            t().call("mmio_ro_do_page_fault", "result", "UNHANDLEABLE", "why", "not I/O memory");
            return new EmulResultWithEvent(EmulResult.UNHANDLEABLE, null);
        }
        EmulOps ops = new EmulOps() {
            @Override
            public boolean validate(Insn insn, int size) {
                return insn != Insn.LOAD;
            }

            @Override
            public EmulResult read(long va, int size, long[] out) {
                return EmulResult.UNHANDLEABLE;
            }

            @Override
            public EmulResult write(long va, int size, long value) {
                if (((size | va) & (size - 1)) != 0 || size == 0 || va != addr) {
                    return EmulResult.UNHANDLEABLE;
                }
                t().call("subpage_mmio_write_emulate", "mfn", mfn, "offset", va & 0xFFF, "result", "dropped");
                return EmulResult.OKAY;
            }

            @Override
            public EmulResult cmpxchg(long va, int size, long old, long neu, long[] observed) {
                return EmulResult.UNHANDLEABLE;
            }

            @Override
            public EmulEvent raised() {
                return null;
            }
        };
        X86Emulate.Result r = X86Emulate.emulate(d.currentAccess(), ops, d.currentKnobs().emulatorFails());
        t().call("mmio_ro_do_page_fault", "result", r.rc().name(), "mfn", mfn);
        return new EmulResultWithEvent(r.rc(), r.event());
    }
}
