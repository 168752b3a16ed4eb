package xpf.conformance.reference.xen;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import xpf.conformance.reference.XenGuestWalk;
import xpf.model.scenario.Insn;
import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PagingMode;
import xpf.model.xen.HvmDomainView;

/**
 * The shadow-state effects of {@code sh_page_fault} the reference model needs to run the rest of a step: the shadow
 * entry rules of {@code _sh_propagate} (xen-hvm-fault-path.md §3.3), {@code sh_prefetch} (F16), write protection of
 * the walk's page-table frames (F12/F14), unshadowing (E2/E5/E8), and the emulated write (E6-E12, "Emulated write
 * internals"). Out-of-sync L1s are not modelled (see docs/reference-model-hvm.md).
 */
final class ShadowOps {

    static final long P = 1;
    static final long RW = 1L << 1;
    static final long US = 1L << 2;
    static final long A = 1L << 5;
    static final long D = 1L << 6;
    static final long PS = 1L << 7;
    static final long NX = 1L << 63;
    /** §3.3: the MMIO magic: bits 36..63 and P, gfn in bits 4..35, U/RW copied, bit 3 clear. */
    static final long MAGIC_MASK = 0xFFFF_FFF0_0000_0001L;
    /** §3.3: the "guest not present" magic (all ones). */
    static final long GNP = -1L;
    /** sh_prefetch: {@code PREFETCH_DISTANCE}. */
    static final int PREFETCH_DISTANCE = 32;

    private final HvmRun r;

    ShadowOps(HvmRun r) {
        this.r = r;
    }

    static boolean isMagic(long sl1e) {
        return (sl1e & MAGIC_MASK) == MAGIC_MASK;
    }

    static boolean isGnp(long sl1e) {
        return sl1e == GNP;
    }

    static long magicGfn(long sl1e) {
        return (sl1e >>> 4) & 0xFFFF_FFFFL;
    }

    /** The rights the levels above the leaf grant (U and RW ANDed, NX ORed when meaningful), §3.3. */
    record Upper(boolean user, boolean writable, boolean nx) {
        static final Upper ALL = new Upper(true, true, false);
    }

    Upper upper(XenGuestWalk.Result w) {
        boolean u = true;
        boolean rw = true;
        boolean nx = false;
        boolean nxOk = guestNx();
        List<XenGuestWalk.Slot> s = w.slots();
        for (int i = 0; i < s.size() - 1; i++) {
            if (r.v.mode() == PagingMode.PAE && s.get(i).level() == 0) {
                continue;
            }
            long e = s.get(i).value();
            u &= (e & US) != 0;
            rw &= (e & RW) != 0;
            nx |= nxOk && e < 0;
        }
        return new Upper(u, rw, nx);
    }

    boolean guestNx() {
        return r.pagingOn && r.v.mode() != PagingMode.LEGACY2 && r.c.eferNxe();
    }

    /**
     * {@code l1e_propagate_from_guest} (§3.3) for a guest leaf entry {@code gl1e} (4 KiB form; for a superpage the
     * fabricated l1e) mapping {@code gfn}: the shadow l1e, 0 for an empty one.
     */
    long propagate(long gl1e, long gfn, Upper up, boolean demandWrite) {
        if ((gl1e & P) == 0) {
            // "guest entry not present → empty shadow entry (or the gnp magic at L1 only when OOS is compiled out)"
            return r.modern ? 0 : GNP;
        }
        HvmDomainView.P2m e = r.p2m(gfn);
        String t = e.type();
        boolean user = up.user() && (gl1e & US) != 0;
        boolean writable = up.writable() && (gl1e & RW) != 0;
        boolean mmioMagic = t.equals("mmio_dm") || (!r.modern && !HvmRun.isRam(t) && !HvmRun.isMmio(t));
        if (mmioMagic) {
            // "Guest L1 mapping p2m_mmio_dm → MMIO magic entry ... falls back to an empty entry if the CPU has no
            // spare physical-address bits"
            if (r.hostM >= 52) {
                return 0;
            }
            return MAGIC_MASK | ((gfn & 0xFFFF_FFFFL) << 4) | (writable ? RW : 0) | (user ? US : 0);
        }
        if (!HvmRun.isRam(t) && !t.equals("mmio_direct")) {
            return 0;   // "Target not RAM and not direct MMIO → empty entry"
        }
        if (e.mfn() < 0) {
            return 0;
        }
        if ((gl1e & A) == 0) {
            return 0;   // "guest A clear ⇒ shadow not present"
        }
        boolean rw = writable;
        if ((gl1e & D) == 0) {
            rw = false;   // "leaf guest D clear ⇒ shadow RW removed"
        }
        if (t.equals("ram_ro") || t.equals("grant_map_ro") || t.equals("ram_shared")) {
            rw = false;   // "read-only p2m types ⇒ RW removed"
        }
        if (r.pageTables.contains(e.mfn())) {
            rw = false;   // "target frame is a shadowed guest PT ⇒ RW removed" (no OOS)
        }
        if (t.equals("ram_logdirty") && !r.d.dirtyGfns().contains(gfn)) {
            if (demandWrite) {
                // "log-dirty: RW only on a demand write (which marks dirty)": the gfn is dirty, the type ram_rw
                r.p2m.put(gfn, new HvmDomainView.P2m(gfn, e.mfn(), "ram_rw", e.device()));
            } else {
                rw = false;
            }
        }
        boolean nx = guestNx() && (up.nx() || gl1e < 0);
        return (e.mfn() << 12) | P | A | D | (user ? US : 0) | (rw ? RW : 0) | (nx ? NX : 0);
    }

    void setShadow(long vpn, long sl1e, List<Long> tableMfns) {
        r.sl1.put(vpn, sl1e);
        r.sl1Tables.put(vpn, tableMfns);
    }

    /** The machine frames of the walk's page tables (PAE: not the PDPT). */
    List<Long> tableMfns(XenGuestWalk.Result w) {
        List<Long> out = new ArrayList<>();
        for (XenGuestWalk.Slot s : w.slots()) {
            if (r.v.mode() == PagingMode.PAE && s.level() == 0) {
                continue;
            }
            long mfn = r.p2m(s.gpa() >>> 12).mfn();
            if (mfn >= 0 && !out.contains(mfn)) {
                out.add(mfn);
            }
        }
        return out;
    }

    /**
     * F12/F14: the walk's guest page tables get shadows (promotion), and Xen removes every writable mapping of them
     * ("every guest page with a shadow has no writable shadow mapping").
     */
    void writeProtect(List<Long> tableMfns) {
        for (Long mfn : tableMfns) {
            if (r.pageTables.add(mfn)) {
                stripWritable(mfn);
            }
        }
    }

    private void stripWritable(long mfn) {
        for (Map.Entry<Long, HvmDomainView.Shadow> b : r.baseShadows.entrySet()) {
            if (!r.sl1.containsKey(b.getKey())) {
                long e = b.getValue().sl1e();
                if (!isMagic(e) && (e & P) != 0 && frameOf(e) == mfn && (e & RW) != 0) {
                    r.sl1.put(b.getKey(), e & ~RW);
                    r.sl1Tables.put(b.getKey(), b.getValue().tableMfns());
                }
            }
        }
        for (Map.Entry<Long, Long> o : r.sl1.entrySet()) {
            long e = o.getValue() == null ? 0 : o.getValue();
            if (!isMagic(e) && (e & P) != 0 && frameOf(e) == mfn && (e & RW) != 0) {
                o.setValue(e & ~RW);
            }
        }
    }

    long frameOf(long sl1e) {
        return (sl1e & ((1L << r.hostM) - 1)) >>> 12;
    }

    /**
     * {@code shadow_remove_all_shadows(gmfn)} = {@code sh_remove_shadows(d, gmfn, 0, 1)} ("must succeed"), as the
     * emulate paths call it (E2, E5, E8; 3.1's user, event-injection and UNHANDLEABLE checks): every shadow entry
     * built through the frame goes away and the frame is no longer a page table. A frame that is some vCPU's current
     * top-level guest table keeps its top-level shadow (the vCPU holds a reference on it: only the pin goes), so the
     * frame is still shadowed afterwards and Xen's "can't find all shadows of mfn" check crashes the domain
     * (common.c {@code sh_remove_shadows}, tags 3.1.0-branched and HEAD c447b73). Returns true when the domain
     * was crashed (then the step ends; rule {@code tag}).
     */
    boolean unshadowMustSucceed(long mfn, String tag) {
        boolean wasPageTable = r.pageTables.contains(mfn);
        java.util.Set<Long> inUse = topLevelsInUse();
        unshadow(mfn, inUse);
        if (wasPageTable && inUse.contains(mfn)) {
            r.trail.add("sh_remove_shadows(mfn 0x" + Long.toHexString(mfn) + ", all=1): a vCPU's top-level shadow "
                    + "is in use: can't find all shadows");
            r.crash("sh_remove_shadows", tag);
            return true;
        }
        return false;
    }

    /**
     * The machine frames of every vCPU's current top-level guest table ({@code for_each_vcpu}: the frame its CR3
     * names). Paging off and PAE have none: the unpaged identity table is Xen's own, and a PAE CR3 names the PDPT,
     * which is not a shadowed guest table (§3.3, and {@link #tableMfns}).
     */
    java.util.Set<Long> topLevelsInUse() {
        java.util.Set<Long> out = new java.util.TreeSet<>();
        for (HvmDomainView.Vcpu o : r.d.vcpus()) {
            if (o.mode() == null || o.mode() == PagingMode.PAE) {
                continue;
            }
            long gfn = HvmRun.shadowKeyOf(o.mode(), o.controls().cr3(), r.hostM) >>> 12;
            long mfn = r.p2m(gfn).mfn();
            if (mfn >= 0) {
                out.add(mfn);
            }
        }
        return out;
    }

    /**
     * {@code sh_remove_shadows} without the must-succeed check: every shadow entry built through {@code mfn} goes
     * away (the guest re-faults and Xen re-propagates); the frame stops being a page table unless it is a top level
     * in use ({@code inUse}), whose shadow cannot be freed.
     */
    void unshadow(long mfn, java.util.Set<Long> inUse) {
        if (!inUse.contains(mfn)) {
            r.pageTables.remove(mfn);
        }
        for (Map.Entry<Long, HvmDomainView.Shadow> b : r.baseShadows.entrySet()) {
            if (!r.sl1.containsKey(b.getKey()) && b.getValue().tableMfns().contains(mfn)) {
                r.sl1.put(b.getKey(), 0L);
            }
        }
        for (Map.Entry<Long, List<Long>> t : r.sl1Tables.entrySet()) {
            if (t.getValue() != null && t.getValue().contains(mfn)) {
                r.sl1.put(t.getKey(), 0L);
            }
        }
    }

    /** Entries derived from a page-table frame the guest (or the emulator) just wrote are revalidated: dropped. */
    void revalidate(long mfn) {
        if (!r.pageTables.contains(mfn)) {
            return;
        }
        for (Map.Entry<Long, HvmDomainView.Shadow> b : r.baseShadows.entrySet()) {
            if (!r.sl1.containsKey(b.getKey()) && b.getValue().tableMfns().contains(mfn)) {
                r.sl1.put(b.getKey(), 0L);
            }
        }
        for (Map.Entry<Long, List<Long>> t : r.sl1Tables.entrySet()) {
            if (t.getValue() != null && t.getValue().contains(mfn)) {
                r.sl1.put(t.getKey(), 0L);
            }
        }
    }

    /**
     * F16 {@code sh_prefetch}: up to {@code PREFETCH_DISTANCE}-1 following entries of the same shadow l1 page,
     * stopping at one that is already shadowed, or at a present guest entry that would need another fault for A/D.
     */
    void prefetch(long va, XenGuestWalk.Result w, Upper up, List<Long> tables) {
        long vpn = va >>> 12;
        XenGuestWalk.Slot leaf = w.slots().isEmpty() ? null : w.last();
        boolean superpage = leaf == null || w.pageSize() > 4096;
        int dist;
        if (superpage) {
            dist = (int) Math.min(PREFETCH_DISTANCE, 512 - (vpn & 511));
        } else {
            int eb = r.entryBytes();
            int idx = (int) ((leaf.gpa() & 0xFFF) / eb);
            dist = Math.min(PREFETCH_DISTANCE, 512 - (idx & 511));
        }
        for (int i = 1; i < dist; i++) {
            long n = vpn + i;
            Long cur = r.shadowEntry(n);
            if (cur != null && cur != 0) {
                break;   // "No point in prefetching if there's already a shadow"
            }
            long gl1e;
            long gfn;
            if (!superpage) {
                int eb = r.entryBytes();
                gl1e = r.xenMemory.readEntry(leaf.gpa() + (long) i * eb, eb);
                if ((gl1e & P) != 0 && ((gl1e & A) == 0 || ((gl1e & RW) != 0 && (gl1e & D) == 0))) {
                    break;   // "an entry that will need another fault for A/D-bit propagation anyway"
                }
                if ((gl1e & P) != 0 && r.modern && (gl1e & pteReserved()) != 0) {
                    continue;   // a neighbour with reserved bits stays empty
                }
                gfn = addressOf(gl1e) >>> 12;
            } else {
                long base = w.gfn();
                gfn = base + i;
                gl1e = leaf == null ? (P | RW | US | A | D) : (leaf.value() & ~PS & ~0x1000L);
                if (leaf == null && !r.modern) {
                    // 3.1 with paging off: the neighbours are the next entries of a p2m L1 (gw->l1e of the walk of
                    // the p2m), P|RW|US|A|D for a gfn with memory and empty otherwise, and an empty guest l1e is
                    // shadowed with the gnp magic (sh_prefetch / _sh_propagate, multi.c of 3.1.0-branched)
                    HvmDomainView.P2m pe = r.p2m(gfn);
                    if (!HvmRun.isRam(pe.type()) || pe.mfn() < 0) {
                        gl1e = 0;
                    }
                }
            }
            long sl1e = propagate(gl1e, gfn, superpage ? fabricatedUpper(w) : up, false);
            if (sl1e != 0) {
                setShadow(n, sl1e, tables);
            }
        }
    }

    private Upper fabricatedUpper(XenGuestWalk.Result w) {
        return w.slots().isEmpty() ? Upper.ALL : upper(w);
    }

    long addressOf(long gl1e) {
        return r.v.mode() == PagingMode.LEGACY2 ? gl1e & 0xFFFF_F000L : gl1e & 0x000F_FFFF_FFFF_F000L;
    }

    /** The reserved bits of a guest PTE (§1.1b, guest MAXPHYADDR): M..51 (62 in PAE), 63 without NXE. */
    long pteReserved() {
        if (r.v.mode() == PagingMode.LEGACY2) {
            return 0;
        }
        int m = r.xenWalk.cpu().maxPhyAddr();
        int hi = r.v.mode() == PagingMode.PAE ? 62 : 51;
        long bits = ((hi >= 63 ? -1L : (1L << (hi + 1)) - 1)) & ~((1L << m) - 1);
        return r.c.eferNxe() ? bits : bits | NX;
    }

    // ---- the emulated write (E6-E12) ----

    /** What the emulator did. */
    enum Emul { OKAY, UNHANDLEABLE, EXCEPTION }

    /**
     * {@code x86_emulate} of the step's (writing) instruction with the shadow ops: for each page the write touches,
     * {@code emulate_gva_to_mfn} walks the guest tables with P|W, a supervisor walk ({@code hvm_read}: P) — a
     * failure is the emulator's #PF (E7,
     * injected with the walk's error code and CR2 = the address in that page); a target that is not RAM is
     * UNHANDLEABLE; a discard-write type drops the write. Misaligned or page-crossing writes unshadow the target
     * pages; a write to a page table is validated into the shadows.
     */
    Emul emulateWrite(List<String> notes, long faultVa) {
        return emulateWrite(notes, faultVa, -1);
    }

    /**
     * As {@link #emulateWrite(List, long)}, with {@code vtlbGfn} (not -1) the gfn a vTLB entry older than this fault
     * gives the faulting page (F1 fast emulation): {@code sh_gva_to_gfn} looks the vTLB up before walking, and that
     * entry was inserted with W|P (F10 of a write fault), which covers the emulator's P|W and P lookups. The guest's
     * tables are not read for that page (a stale translation is used as it is: x86-paging.md §1.1f, no A/D).
     */
    Emul emulateWrite(List<String> notes, long faultVa, long vtlbGfn) {
        if (r.acc.kind() != AccessKind.WRITE) {
            throw new NotModelled("emulating a non-write instruction on a page table");
        }
        // §7 item 11 (XSA-187) and mm/shadow/hvm.c (HEAD c447b73): the shadow emulator fails every system-segment
        // access (hvm_emulate_read: not a user segment; write/cmpxchg: hvm_get_seg_reg beyond seg_reg[6]) →
        // UNHANDLEABLE → E8 (S9, docs/reference-model-hvm.md; 3.1, before XSA-187, stays not modelled)
        if (r.acc.implicit() && r.modern) {
            notes.add("the emulator refuses a system-segment access: UNHANDLEABLE");
            return Emul.UNHANDLEABLE;
        }
        r.requireExplicit();
        long va = r.acc.va();
        int size = r.acc.size();
        long first = va >>> 12;
        long last = (va + size - 1) >>> 12;
        long[] mas = new long[(int) (last - first + 1)];
        List<Long> mfns = new ArrayList<>();
        Insn insn0 = r.acc.insn();
        if (insn0 == Insn.LOCK_OR || insn0 == Insn.XCHG || insn0 == Insn.CMPXCHG) {
            // a read-modify-write instruction reads its destination first (hvm_read → a guest walk with a read
            // error code): that read faults before any write mapping is attempted
            for (long p = first; p <= last; p++) {
                long a = p == first ? va : p << 12;
                if (vtlbGfn >= 0 && p == faultVa >>> 12) {
                    HvmDomainView.P2m e = r.p2m(vtlbGfn);
                    if (!HvmRun.isRam(e.type()) || e.mfn() < 0) {
                        notes.add("the emulated read of 0x" + Long.toHexString(a) + " reaches gfn 0x"
                                + Long.toHexString(vtlbGfn) + " (" + e.type() + "), no page: UNHANDLEABLE");
                        return Emul.UNHANDLEABLE;
                    }
                    continue;
                }
                XenGuestWalk.Result w = r.pagingOn ? XenGuestWalk.walk(r.xenWalk, r.c, r.xenMemory,
                        new Access(a, AccessKind.READ, emulatorCpl(p, faultVa), false, false)) : identity(a);
                if (!w.ok()) {
                    notes.add("the emulated read of 0x" + Long.toHexString(a) + " fails: #PF "
                            + xpf.model.x86.PfErrorCode.symbolic(w.pfec() & 0xFFFF));
                    r.inject(14, w.pfec() & 0xFFFF, a, "hvm.3.E7");
                    return Emul.EXCEPTION;
                }
                applyAd(w);
                // hvm_read → hvm_copy_from_guest_linear → __hvm_copy goes page by page and returns at the first page
                // hvm_translate_get_page has no page for (get_page_from_gfn: not RAM, e.g. direct MMIO):
                // HVMTRANS_bad_gfn_to_mfn, which hvm_read turns into UNHANDLEABLE before a later page is walked
                // (mm/shadow/hvm.c, hvm/hvm.c, xen-project/xen master c447b73)
                HvmDomainView.P2m e = r.p2m(w.gfn());
                if (!HvmRun.isRam(e.type()) || e.mfn() < 0) {
                    notes.add("the emulated read of 0x" + Long.toHexString(a) + " reaches gfn 0x"
                            + Long.toHexString(w.gfn()) + " (" + e.type() + "), no page: UNHANDLEABLE");
                    return Emul.UNHANDLEABLE;
                }
            }
        }
        for (long p = first; p <= last; p++) {
            long a = p == first ? va : p << 12;
            long gfn;
            if (vtlbGfn >= 0 && p == faultVa >>> 12) {
                notes.add("emulate_gva_to_mfn(0x" + Long.toHexString(a) + "): vtlb_lookup hit, gfn 0x"
                        + Long.toHexString(vtlbGfn));
                gfn = vtlbGfn;
            } else {
                XenGuestWalk.Result w;
                if (!r.pagingOn) {
                    w = identity(a);
                } else {
                    w = XenGuestWalk.walk(r.xenWalk, r.c, r.xenMemory, new Access(a, AccessKind.WRITE,
                            emulatorCpl(p, faultVa), false, false));
                }
                if (!w.ok()) {
                    notes.add("emulate_gva_to_mfn(0x" + Long.toHexString(a) + ") fails: #PF "
                            + xpf.model.x86.PfErrorCode.symbolic(w.pfec() & 0xFFFF));
                    r.inject(14, w.pfec() & 0xFFFF, a, "hvm.3.E7");
                    return Emul.EXCEPTION;
                }
                applyAd(w);
                gfn = w.gfn();
            }
            HvmDomainView.P2m e = r.p2m(gfn);
            if (!HvmRun.isRam(e.type()) || e.mfn() < 0 || e.type().equals("ioreq_server")) {
                notes.add("emulated write target gfn 0x" + Long.toHexString(gfn) + " is " + e.type()
                        + ": UNHANDLEABLE");
                return Emul.UNHANDLEABLE;
            }
            if (HvmRun.isDiscardWrite(e.type())) {
                // sh_emulate_map_dest: a discard-write frame ends the mapping with a silent OKAY: nothing is
                // written, a later page is never looked at
                notes.add("emulated write to a discard-write frame (gfn 0x" + Long.toHexString(gfn)
                        + "): dropped");
                return Emul.OKAY;
            }
            mas[(int) (p - first)] = e.mfn() << 12;
            mfns.add(e.mfn());
        }
        if ((va & (size - 1)) != 0 || first != last) {
            for (Long mfn : mfns) {
                // "Misaligned writes and page-crossing writes trigger unshadowing": sh_remove_shadows(d, mfn, 0, 0),
                // which may fail: an in-use top level stays shadowed, and nothing crashes
                unshadow(mfn, topLevelsInUse());
            }
        }
        long old = 0;
        for (int i = 0; i < Math.min(size, 8); i++) {
            long a = va + i;
            old |= (long) r.readByte(mas[(int) ((a >>> 12) - first)] | (a & 0xFFF)) << (8 * i);
        }
        long val = r.acc.value() == null ? 0 : r.acc.value();
        Insn insn = r.acc.insn();
        if (insn == Insn.CMPXCHG && old != HvmRun.mask(r.acc.compare() == null ? 0 : r.acc.compare(), size)) {
            return Emul.OKAY;   // the compare failed: nothing written
        }
        long nv = insn == Insn.LOCK_OR ? old | val : val;
        for (int i = 0; i < size; i++) {
            long a = va + i;
            int pi = (int) ((a >>> 12) - first);
            r.writeByte(mas[pi] | (a & 0xFFF), HvmRun.byteOf(nv, i));
        }
        for (Long mfn : mfns) {
            revalidate(mfn);
        }
        return Emul.OKAY;
    }

    /**
     * The rights of the emulator's own translation of page {@code vpn}. The shadow emulator's walks are supervisor
     * walks: {@code emulate_gva_to_mfn} asks P|W, {@code hvm_read} P, neither adds PFEC_user_mode (mm/shadow/hvm.c,
     * HEAD c447b73; 3.1's {@code emulate_map_dest} likewise). But {@code sh_gva_to_gfn} looks the vTLB up first, and
     * F10 inserted the faulting page with the fault's own error code, which covers P|W of a write fault: that page
     * is translated with the rights the fault's walk already granted (modelled as a walk at the access's CPL, which
     * succeeded there), any other page by a supervisor walk.
     */
    private int emulatorCpl(long vpn, long faultVa) {
        return vpn == (faultVa >>> 12) && r.cpl == 3 ? 3 : 0;
    }

    /** §3.2 A/D writes of a successful Xen walk (cmpxchg on guest memory). */
    void applyAd(XenGuestWalk.Result w) {
        for (long[] u : w.adUpdates()) {
            long ma = r.machineOf(u[0]);
            if (ma >= 0) {
                r.writeBytes(ma, r.entryBytes(), u[1]);
            }
        }
    }

    /** Guest paging off: Xen's unpaged identity table of 4 MiB superpages with full rights (§1.1). */
    static XenGuestWalk.Result identity(long va) {
        long gpa = va & 0xFFFF_FFFFL;
        return new XenGuestWalk.Result(XenGuestWalk.Stop.LEAF, 1, gpa, 1L << 22, true, true, false,
                (gpa & ~0x3FFFFFL) | P | RW | US | A | D | PS, List.of(), List.of());
    }
}
