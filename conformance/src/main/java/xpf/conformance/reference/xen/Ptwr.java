package xpf.conformance.reference.xen;

import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Insn;
import xpf.model.scenario.Knobs;
import xpf.model.x86.Vectors;
import xpf.model.xen.PvDomainView;
import xpf.model.xen.PvDomainView.FrameType;

/**
 * §3 writable page-table emulation and §3.6 read-only MMIO, as three tables: the preconditions of §3.1 (each a row
 * that either passes or ends in UNHANDLEABLE), the emulation rules of §3.2 by instruction form, and the mapping of
 * the emulator's result to an outcome (§3.5). The validation of the new PTE is §3.3 ({@link PageTypes}).
 */
final class Ptwr {

    private Ptwr() {
    }

    /** x86_emulate's result (§3.5). */
    enum Emul { OKAY, EXCEPTION, RETRY, UNHANDLEABLE }

    /** An emulation run: its result, the rule that decided, and for EXCEPTION the #PF the emulator raised. */
    record Run(Emul result, String rule, String why, long pfAddress) {
        static Run of(Emul r, String rule, String why) {
            return new Run(r, rule, why, 0);
        }
    }

    /** The step's instruction, as the emulator sees it. */
    record EmulatedInsn(Insn insn, long va, int size, long value, Long compare) {
        static EmulatedInsn of(GuestAccess a) {
            return new EmulatedInsn(a.insn(), a.va(), a.size(), a.value() == null ? 0 : a.value(), a.compare());
        }

        /** RMW forms read their memory operand first (§3.2 "source operands are read from guest memory"). */
        boolean readsFirst() {
            return insn == Insn.XCHG || insn == Insn.LOCK_OR || insn == Insn.CMPXCHG;
        }
    }

    /**
     * §3.1 {@code pv_ro_page_fault} (today) / 3.1's {@code ptwr_do_page_fault}: the guest's effective kernel L1 entry
     * for CR2; MMIO branch for the hardware domain (§3.6); else ptwr. Returns the decided outcome, or null when the
     * fault is not handled here (UNHANDLEABLE: §2.3 continues with rows e and f).
     */
    static Decided roPageFault(PvState s, Knobs knobs, GuestAccess a, long cr2) {
        long[] l1 = GdtLdtArea.kernelL1e(s, cr2);
        if (l1 == null) {
            return null;   // §3.1.2 "returns empty if ... not present, or the read faults"
        }
        long pte = l1[1];
        if ((pte & (EntryFlags.P | EntryFlags.RW)) != EntryFlags.P) {
            return null;   // §3.1.3 "PTE must be present and read-only"
        }
        long mfn = EntryFlags.mfn(pte);
        if (s.has(XenVersionTable.MMIO_RO_PATH) && s.view.hardwareDomain()
                && s.view.mmioRoFrames().contains(mfn)) {
            return result(s, knobs, mmio(s, knobs, EmulatedInsn.of(a), cr2, mfn), "mmio_ro");   // §3.1.4
        }
        // §3.1.5 "take a general reference on the frame as owned by the current domain ... page_lock ... Type must be
        // exactly PGT_l1_page_table"
        PvState.Frame f = s.frame(mfn);
        if (f == null || f.owner != s.domid) {
            return null;
        }
        if (f.typeCount == 0 || (!f.validated && !s.xen31())) {
            return null;
        }
        if (f.type != FrameType.L1) {
            return null;
        }
        return result(s, knobs, emulate(s, knobs, EmulatedInsn.of(a), cr2, mfn), "ptwr");
    }

    /** §3.5 "Mapping of emulator results". */
    static Decided result(PvState s, Knobs knobs, Run r, String what) {
        switch (r.result()) {
            case OKAY:
                if ((s.vcpu.rflags() & Delivery.TF) != 0) {
                    throw new NotModelled("emulation with the guest's TF set (#DB injection)");
                }
                return Decided.emulated(what, r.rule(), r.why());
            case EXCEPTION:
                // "EXCEPTION with #PF → pv_inject_event of the emulator's #PF": error code 0 (a read)
                return Delivery.deliver(s, knobs, Vectors.PF, 0, r.pfAddress(), "pv.3.5");
            case RETRY:
                return Decided.fixed(what + "_retry", "pv.3.5", r.why());
            default:
                return null;   // "UNHANDLEABLE / others → return 0 → continue §2.3(e)/(f)"
        }
    }

    // ------------------------------------------------------------------------- §3.2 emulation rules

    /** §3.2 with the ptwr ops: reads for RMW forms, write/cmpxchg size rules, then {@link #update}. */
    static Run emulate(PvState s, Knobs knobs, EmulatedInsn in, long cr2, long l1mfn) {
        if (knobs.emulatorFails()) {
            return Run.of(Emul.UNHANDLEABLE, "pv.3.5", "x86_emulate returned UNHANDLEABLE (knob)");
        }
        long mask = in.size() >= 8 ? -1L : (1L << (8 * in.size())) - 1;
        long newValue = in.value() & mask;
        long oldValue = 0;
        boolean cmpxchg = false;
        if (in.readsFirst()) {
            // §3.2 "a failed read → emulator raises #PF with error code 0 (read) at addr + bytes - not_copied"
            Hardware.XenRead r = Hardware.xenRead(s, s.cr3(), in.va(), in.size(), s.tlb());
            if (!r.ok()) {
                return new Run(Emul.EXCEPTION, "pv.3.2", "operand read faults", r.failingAddress());
            }
            oldValue = r.value();
            switch (in.insn()) {
                case XCHG -> cmpxchg = true;
                case LOCK_OR -> {
                    cmpxchg = true;
                    newValue = (oldValue | newValue) & mask;
                }
                case CMPXCHG -> {
                    long expected = in.compare() == null ? 0 : in.compare() & mask;
                    if (oldValue != expected) {
                        // "A real CMPXCHG instruction whose compare fails completes architecturally → OKAY"
                        Run would = update(new PvState(s.view, s.vcpu), in.va(), oldValue, newValue, in.size(), true,
                                cr2, l1mfn);
                        return Run.of(Emul.OKAY, "pv.3.2", "CMPXCHG compare failed: no store"
                                + (would.result() == Emul.UNHANDLEABLE ? " (the new PTE would be refused: "
                                + would.rule() + ")" : ""));
                    }
                    cmpxchg = true;
                }
                default -> throw new IllegalStateException();
            }
        }
        // §3.2 "write: size must be a power of two, 1..8 bytes; cmpxchg: power of two ≤ 8"
        if (in.size() > 8 || Integer.bitCount(in.size()) != 1) {
            return Run.of(Emul.UNHANDLEABLE, "pv.3.2", in.size() + "-byte write");
        }
        return update(s, in.va(), oldValue, newValue, in.size(), cmpxchg, cr2, l1mfn);
    }

    /** §3.2 {@code ptwr_emulated_update} + §3.3 validation + §3.4 commit. */
    static Run update(PvState s, long addr, long old, long val, int bytes, boolean cmpxchg, long cr2, long l1mfn) {
        // "the target address must lie in the same 4 KiB page as CR2 and be naturally aligned"
        if (((addr ^ cr2) & ~0xFFFL) != 0 || (addr & (bytes - 1)) != 0) {
            return Run.of(Emul.UNHANDLEABLE, "pv.3.2", "store not naturally aligned in CR2's page");
        }
        long aligned = addr & ~7L;
        long pteAddr = (l1mfn << 12) | (aligned & 0xFFF);
        if (bytes != 8) {
            // "Sub-word writes: read the full 8-byte PTE from the guest mapping, splice the written bytes in"
            Hardware.XenRead r = Hardware.xenRead(s, s.cr3(), aligned, 8, s.tlb());
            if (!r.ok()) {
                return new Run(Emul.EXCEPTION, "pv.3.2", "full-PTE read faults", r.failingAddress());
            }
            int shift = (int) (addr & 7) * 8;
            long m = ((1L << (bytes * 8)) - 1) << shift;
            val = (r.value() & ~m) | ((val << shift) & m);
            old = (r.value() & ~m) | ((old << shift) & m);
        }
        long current = s.word(pteAddr);
        long nl1e = val;
        String rule = "pv.3.3";
        if (!EntryFlags.present(nl1e)) {
            PageTypes.l1tfCheck(s, nl1e);
        } else {
            if (!s.xen31() && (nl1e & EntryFlags.GNTTAB) != 0) {
                throw new NotModelled("_PAGE_GNTTAB (bit 62) in an L1 entry: refused by debug builds only");
            }
            PageTypes.L1Result r = PageTypes.getPageFromL1e(s, nl1e, s.domid);
            if (!r.ok()) {
                // §3.3 "Exception: 32-bit PV upper-half 4-byte plain write at an address with bit 2 set that fails
                // validation → PRESENT is cleared and the write proceeds"
                if (s.pv32() && bytes == 4 && (addr & 4) != 0 && !cmpxchg) {
                    nl1e &= ~EntryFlags.P;
                    rule = "pv.3.3";
                } else {
                    return Run.of(Emul.UNHANDLEABLE, r.rule(), "new PTE refused (" + r.rc() + ")");
                }
            } else {
                nl1e ^= r.flips();
                rule = r.rule();
            }
        }
        nl1e = EntryFlags.adjustL1(s, nl1e);
        if (cmpxchg && current != old) {
            // §3.4 "cmpxchg: ... on mismatch → drop the reference just taken ... CMPXCHG_FAILED"; a locked RMW retries
            if (EntryFlags.present(nl1e)) {
                PageTypes.putPageFromL1e(s, nl1e);
            }
            return Run.of(Emul.RETRY, "pv.3.4", "compare-exchange lost the race");
        }
        s.writeWord(pteAddr, nl1e);
        s.effects.put("ptwr.pte", PvState.hex(pteAddr) + "=" + PvState.hex(nl1e));
        PageTypes.putPageFromL1e(s, current);
        return Run.of(Emul.OKAY, rule, "PTE validated and written by Xen");
    }

    /**
     * §3.6 {@code mmio_ro_do_page_fault}: the frame must be an invalid MFN or owned by dom_io; reads are
     * unhandleable; the store must be naturally aligned at CR2. (PCI MMCFG pages are not in the view: the sub-page
     * emulator's write, or its drop, is taken.)
     */
    static Run mmio(PvState s, Knobs knobs, EmulatedInsn in, long cr2, long mfn) {
        PvState.Frame f = s.frame(mfn);
        if (s.ram(mfn) && (f == null || f.owner != PvDomainView.DOMID_IO)) {
            return Run.of(Emul.UNHANDLEABLE, "pv.3.6", "not an I/O frame");
        }
        if (knobs.emulatorFails()) {
            return Run.of(Emul.UNHANDLEABLE, "pv.3.5", "x86_emulate returned UNHANDLEABLE (knob)");
        }
        if (in.readsFirst()) {
            return Run.of(Emul.UNHANDLEABLE, "pv.3.6", "reads are unhandleable");
        }
        int bytes = in.size();
        if (((bytes | in.va()) & (bytes - 1)) != 0 || in.va() != cr2) {
            return Run.of(Emul.UNHANDLEABLE, "pv.3.6", "store not naturally aligned at CR2");
        }
        return Run.of(Emul.OKAY, "pv.3.6", "read-only MMIO store emulated");
    }
}
