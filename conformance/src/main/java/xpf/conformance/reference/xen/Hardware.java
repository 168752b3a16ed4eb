package xpf.conformance.reference.xen;

import java.util.ArrayList;
import java.util.List;
import xpf.conformance.reference.CachedTranslationRule;
import xpf.conformance.reference.ReferenceWalk;
import xpf.conformance.reference.WalkAnswer;
import xpf.model.scenario.CpuFeature;
import xpf.model.scenario.MachineSpec;
import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;
import xpf.model.x86.PscEntryView;
import xpf.model.x86.TlbEntryView;
import xpf.model.x86.Vectors;

/**
 * What the CPU does with an access while a PV guest runs (x86-paging.md §1.1a-§1.1f, reusing {@link ReferenceWalk}):
 * a guest access translated through the vCPU's TLB or a fresh walk of the loaded tables; Xen's own accesses to guest
 * memory (bounce frames, emulator operands, the iret frame, the linear page table) at CPL 0 with CR0.WP=1 and SMAP
 * whitelisted; and the spurious-fault rule of §2.6 for those (a fault the tables no longer justify is retried).
 */
final class Hardware {

    /** Xen's linear page table: L4 slot 258 maps the L4 itself (§1, pv-path layout). */
    static final long LINEAR_PT_BASE = 0xFFFF810000000000L;
    static final long HYPERVISOR_VIRT_START = 0xFFFF800000000000L;
    static final long HYPERVISOR_VIRT_END = 0xFFFF880000000000L;

    private Hardware() {
    }

    /** One access's translation: a fault (vector, error code, CR2 for #PF) or the physical address. */
    record Translation(boolean fault, int vector, int errorCode, Long cr2, long pa, String rule) {
        static Translation ok(long pa, String rule) {
            return new Translation(false, 0, 0, null, pa, rule);
        }

        /** The walk's answer (a #PF carries its CR2; #GP(0)/#SS(0) none). */
        static Translation of(WalkAnswer w) {
            if (w.fault()) {
                return new Translation(true, w.vector(), w.errorCode(), w.vector() == Vectors.PF ? w.cr2() : null,
                        0, "1.1d");
            }
            return ok(w.pa(), "1.1a");
        }

        boolean rsvd() {
            return fault && vector == Vectors.PF && (errorCode & PfErrorCode.RSVD) != 0;
        }
    }

    /** A multi-byte access: the physical address of each byte range in its page, or the first fault. */
    record Pieces(Translation fault, List<long[]> ranges) {
        boolean ok() {
            return fault == null;
        }
    }

    static CpuConfig cpu(MachineSpec m) {
        return new CpuConfig(m.vendor(), m.maxPhyAddr(), m.has(CpuFeature.PAGE1GB));
    }

    static boolean canonical(long va) {
        long upper = va >> 47;
        return upper == 0 || upper == -1;
    }

    // ------------------------------------------------------------------------- guest accesses

    /**
     * The controls the guest's own accesses run with: the vCPU's, except that a 32-bit PV guest runs with SMEP and
     * SMAP off (§2.1 step 4: Xen clears them for 32-bit PV guests, whose kernel runs in ring 1).
     */
    static PagingControls guestControls(PvState s) {
        PagingControls c = s.vcpu.controls().withCr3(s.cr3());
        return s.pv32() ? c.withSmep(false).withSmap(false) : c;
    }

    /**
     * A guest access of {@code size} bytes at {@code va}: each page it touches is translated (TLB first, §1.1f; else
     * a walk of the loaded tables); the first fault wins, with CR2 = the first byte in the faulting page (§1.1d).
     */
    static Pieces guest(PvState s, Access a, int size) {
        PagingControls c = guestControls(s);
        return pieces(s, c, a, size, s.tlb(), s.psc());
    }

    static Pieces pieces(PvState s, PagingControls c, Access a, int size, List<TlbEntryView> tlb,
            List<PscEntryView> psc) {
        List<long[]> ranges = new ArrayList<>();
        long va = a.va();
        long remaining = Math.max(size, 1);
        while (remaining > 0) {
            long n = Math.min(remaining, ((va | 0xFFF) + 1) - va);
            Access piece = new Access(va, a.kind(), a.cpl(), a.implicit(), a.stack());
            Translation t = translate(s, c, piece, tlb, psc);
            if (t.fault()) {
                return new Pieces(t, ranges);
            }
            ranges.add(new long[] {t.pa(), n});
            va += n;
            remaining -= n;
        }
        return new Pieces(null, ranges);
    }

    /**
     * One translation. §1.1f: a TLB entry for the page is used as it is — its rights decide (a denial is a #PF with
     * P=1 even if the tables now allow the access: the spurious fault), a write through a cached entry whose D is
     * clear re-walks; no entry: the walk of the tables in memory (§1.1a-§1.1e).
     */
    static Translation translate(PvState s, PagingControls c, Access a, List<TlbEntryView> tlb,
            List<PscEntryView> psc) {
        if (c.mode() == PagingMode.LONG4 && canonical(a.va())) {
            TlbEntryView e = tlbEntry(tlb, a.va());
            if (e != null) {
                Integer ec = CachedTranslationRule.fault(c, a, e.user(), e.writable(), e.executeDisable(), e.pkey());
                if (ec != null) {
                    return new Translation(true, Vectors.PF, ec, a.va(), 0, "1.1f");
                }
                if (a.kind() != AccessKind.WRITE || e.dirty()) {
                    return Translation.ok(e.paBase() + (a.va() - e.vaBase()), "1.1f");
                }
            }
            checkPsc(s, c, a.va(), psc);
        }
        return walk(s, c, a);
    }

    /**
     * The walk of the tables in memory as this prediction has left them (§1.1a-§1.1e, {@link ReferenceWalk}),
     * reading the view's words through the prediction's overlay ({@link PvState#entries}); the full answer stays in
     * {@link PvState#walk} until the next walk.
     */
    static Translation walk(PvState s, PagingControls c, Access a) {
        ReferenceWalk.evaluate(s.cpu, c, s.entries, null, a, s.walk);
        return Translation.of(s.walk);
    }

    static TlbEntryView tlbEntry(List<TlbEntryView> tlb, long va) {
        for (TlbEntryView e : tlb) {
            if (e.covers(va)) {
                return e;
            }
        }
        return null;
    }

    /**
     * The paging-structure caches (§1.1f) only matter when they disagree with memory: a cached upper entry whose
     * table no longer matches the tables in memory would make the walk start elsewhere. The reference does not model
     * partial walks from stale caches: such a step is not modelled.
     */
    /** Whether a 4-level paging-structure-cache entry (PML4E, PDPTE or PDE level) would be used to translate va. */
    static boolean pscEntryFor(PscEntryView p, long va) {
        return p.levelIndex() >= 0 && p.levelIndex() <= 2 && (va >>> (39 - 9 * p.levelIndex())) == p.vaKey();
    }

    private static void checkPsc(PvState s, PagingControls c, long va, List<PscEntryView> psc) {
        for (PscEntryView p : psc) {
            if (!pscEntryFor(p, va)) {
                continue;
            }
            long table = c.cr3() & EntryFlags.ADDR_BITS;
            boolean u = true;
            boolean w = true;
            boolean xd = false;
            long next = -1;
            for (int level = 0; level <= p.levelIndex(); level++) {
                int idx = (int) ((va >>> (39 - 9 * level)) & 0x1FF);
                long e = s.word(table + 8L * idx);
                if (!EntryFlags.present(e)) {
                    next = -1;
                    break;
                }
                u &= (e & EntryFlags.US) != 0;
                w &= (e & EntryFlags.RW) != 0;
                xd |= c.eferNxe() && (e & EntryFlags.NX) != 0;
                next = e & EntryFlags.ADDR_BITS & ((1L << s.view.machine().maxPhyAddr()) - 1);
                table = next;
            }
            if (next != p.nextTableBase() || u != p.user() || w != p.writable() || xd != p.executeDisable()) {
                throw new NotModelled("stale paging-structure cache for 0x" + Long.toHexString(va));
            }
        }
    }

    // ------------------------------------------------------------------------- Xen's accesses to guest memory

    /**
     * The controls of Xen's own accesses: CPL 0, CR0.WP=1 (Xen always runs with WP), SMAP whitelisted for guest
     * accesses (EFLAGS.AC set around them, XSA-183; 3.1 has no SMAP), no protection keys, with CR3 = {@code cr3}.
     */
    static PagingControls xenControls(PvState s, long cr3) {
        PagingControls last = s.xenControls;
        if (last != null && last.cr3() == cr3) {
            return last;   // the vCPU's controls do not change within a step: only CR3 varies
        }
        PagingControls c = s.vcpu.controls();
        PagingControls x = c.withCr3(cr3).withWp(true).withAc(true).withSmap(c.cr4Smap() && !s.xen31())
                .withPke(false).withPks(false);
        s.xenControls = x;
        return x;
    }

    /**
     * A Xen access to a guest address with the tables at {@code cr3}. §2.6: a fault is first re-walked in the
     * tables; if they allow the access it was spurious and Xen retries (success). A TLB entry that still allows it
     * (stale but permissive) also succeeds. Otherwise the fault is real: the memory walk's fault is returned.
     */
    static Translation xen(PvState s, long cr3, long addr, AccessKind kind, List<TlbEntryView> tlb) {
        PagingControls c = xenControls(s, cr3);
        Access a = new Access(addr, kind, 0, false, false);
        if (c.mode() == PagingMode.LONG4 && !canonical(addr)) {
            return new Translation(true, Vectors.GP, 0, null, 0, "1.1d");
        }
        // a TLB entry that allows the access is used as it is (stale or not); one that denies faults, and the
        // fault is then re-walked (§2.6): the tables in memory decide
        TlbEntryView e = tlbEntry(tlb, addr);
        if (e != null && CachedTranslationRule.fault(c, a, e.user(), e.writable(), e.executeDisable(), e.pkey()) == null
                && (kind != AccessKind.WRITE || e.dirty())) {
            long pa = e.paBase() + (addr - e.vaBase());
            if (s.devalidated) {
                Translation w = walk(s, c, a);
                if (w.fault() || w.pa() != pa) {
                    throw new NotModelled("a stale TLB entry after a page-table de-validation (whether Xen flushed "
                            + "then is not in the reference)");
                }
            }
            return Translation.ok(pa, "1.1f");
        }
        if (cr3 == s.cr3()) {
            checkPsc(s, c, addr, s.psc());   // after a CR3 switch (toggle) the caches are empty
        }
        Translation t = walk(s, c, a);
        if (!t.fault()) {
            return e != null ? Translation.ok(t.pa(), "pv.2.6") : t;
        }
        if (t.rsvd() && s.has(XenVersionTable.RSVD_PANIC)) {
            if (s.view.logDirty()) {
                throw new NotModelled("a reserved bit under shadow paging in a Xen access");
            }
            // §2.2 step 4: "If error code has RSVD → panic ... in Xen and guest context"
            throw new Ended(Decided.panic("rsvd_page_fault", "pv.2.2.4", "RSVD #PF in Xen context at 0x"
                    + Long.toHexString(addr)));
        }
        return t;
    }

    /** Xen reads {@code size} bytes of guest memory: the value, or the first failing byte's translation. */
    record XenRead(Translation fault, long failingAddress, long value) {
        boolean ok() {
            return fault == null;
        }
    }

    static XenRead xenRead(PvState s, long cr3, long addr, int size, List<TlbEntryView> tlb) {
        long value = 0;
        long pageVa = 0;
        long pagePa = 0;
        for (int i = 0; i < size; i++) {
            long a = addr + i;
            if (i == 0 || (a & 0xFFF) == 0) {
                // the bytes of one page translate alike (same TLB entry, same walk, nothing changes in between): the
                // page's first byte read decides, its physical address is the page's
                Translation t = xen(s, cr3, a, AccessKind.READ, tlb);
                if (t.fault()) {
                    return new XenRead(t, a, 0);
                }
                pageVa = a;
                pagePa = t.pa();
            }
            value |= s.read(pagePa + (a - pageVa), 1) << (8 * i);
        }
        return new XenRead(null, 0, value);
    }

    /**
     * §3.1 step 2 {@code guest_get_eff_kern_l1e} and §4.7 {@code map_guest_l1e}: the entry of level {@code level}
     * (1 or 2) that maps {@code va}, read through Xen's linear page table (L4 slot 258 maps the L4 itself), so the
     * read goes through the tables at {@code cr3} and the TLB like any Xen access. Empty (null) for a non-canonical
     * address or Xen's range, or if the read faults (an upper entry not present).
     */
    static long[] linearEntry(PvState s, long cr3, long va, int level, List<TlbEntryView> tlb) {
        if (!canonical(va) || (Long.compareUnsigned(va, HYPERVISOR_VIRT_START) >= 0
                && Long.compareUnsigned(va, HYPERVISOR_VIRT_END) < 0)) {
            return null;
        }
        long base = LINEAR_PT_BASE;
        for (int k = 1; k < level; k++) {
            base = base + (((base & 0xFFFFFFFFFFFFL) >>> 12) << 3);
        }
        long addr = base + (((va & 0xFFFFFFFFFFFFL) >>> (12 + 9 * (level - 1))) << 3);
        Translation t = xen(s, cr3, addr, AccessKind.READ, tlb);
        if (t.fault()) {
            return null;   // 3.1: a RSVD fault is not spurious: the read fails (today it panicked in xen())
        }
        return new long[] {t.pa(), s.read(t.pa(), 8)};
    }

    /** The TLB entries that survive a CR3 switch (global ones, §1.1f "MOV CR3 ... invalidates non-global entries"). */
    static List<TlbEntryView> afterCr3Switch(List<TlbEntryView> tlb) {
        return PvState.without(tlb, e -> !e.global());
    }
}
