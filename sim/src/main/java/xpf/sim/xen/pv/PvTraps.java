package xpf.sim.xen.pv;

import xpf.model.scenario.CpuFeature;
import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PfErrorCode;
import xpf.model.x86.Vectors;
import xpf.sim.trace.Trace;
import xpf.sim.x86.AccessRights;
import xpf.sim.x86.ErrorCodes;
import xpf.sim.x86.PageWalker;
import xpf.sim.xen.XenFunction;
import xpf.sim.xen.mm.PageInfo;
import xpf.sim.xen.mm.PageRefs;
import xpf.sim.xen.mm.PageType;

/**
 * Xen's #PF handler for PV guests and for Xen itself (xen-pv-fault-path.md §2.2–§2.6; xen/arch/x86/traps.c,
 * pv/mm.c): {@code handle_PF} (3.1: {@code do_page_fault}), {@code fixup_page_fault} in its strict order, the
 * GDT/LDT shadow area, the log-dirty {@code paging_fault}, and for faults inside Xen the spurious-fault re-walk, the
 * exception table and the "FATAL PAGE FAULT" panic.
 */
final class PvTraps {

    /** {@code enum pf_type} of {@code __page_fault_type}. */
    enum PfType { REAL_FAULT, SMEP_FAULT, SMAP_FAULT, SPURIOUS_FAULT }

    private final PvDomain d;

    PvTraps(PvDomain d) {
        this.d = d;
    }

    private Trace t() {
        return d.trace();
    }

    private String sym(String modern) {
        return d.profile().symbol(modern);
    }

    /**
     * {@code handle_PF} (§2.2): shadow-stack panic; {@code fixup_page_fault}; reserved-bit panic; Xen context:
     * spurious re-walk (SMEP/SMAP panic), exception table, FATAL PAGE FAULT; guest context: forward.
     */
    @XenFunction(symbol = "handle_PF", file = "xen/arch/x86/traps.c", version = "3.1, 4.22",
            formerly = "do_page_fault")
    Fix handlePF(PvVcpu v, PfRegs regs, long cr2) {
        int ec = regs.errorCode();
        t().call(sym("handle_PF"), "cr2", cr2, "ec", Trace.ec(ec), "context", regs.guestMode() ? "guest" : "xen");
        if (d.profile().shadowStackPanics() && (ec & PfErrorCode.SS) != 0) {
            return fatal("shstk_page_fault", cr2, ec);
        }
        Fix f = fixupPageFault(v, regs, cr2);
        if (f.handled()) {
            return f;
        }
        // The RSVD check and the panic message use the error code cached before the fixups; what follows reads
        // regs->error_code, which a fixup may have rewritten (sh_page_fault, §2.3 row e).
        if (d.profile().reservedBitPanics() && (ec & PfErrorCode.RSVD) != 0) {
            return fatal("rsvd_page_fault", cr2, ec);
        }
        if (f.errorCode() != null) {
            regs = regs.withErrorCode(f.errorCode());
        }
        if (!regs.guestMode()) {
            PfType type = spuriousPageFault(v, cr2, regs);
            if (type == PfType.SMEP_FAULT || type == PfType.SMAP_FAULT) {
                t().call("fatal_trap", "reason", "Xen SM" + (type == PfType.SMEP_FAULT ? "E" : "A") + "P violation");
                throw new PvFatal.Panic("smep_smap_in_xen", "Xen " + type + " at 0x" + Long.toHexString(cr2));
            }
            if (type == PfType.SPURIOUS_FAULT) {
                return Fix.fixed("spurious");
            }
            if (extableFixup(regs)) {
                return new Fix(Fix.Kind.EXTABLE, regs.site().symbol());
            }
            return fatal("fatal_page_fault", cr2, ec);
        }
        d.inject().pvInjectPageFault(v, regs.errorCode(), cr2);
        return Fix.forwarded("page_fault");
    }

    private Fix fatal(String reason, long cr2, int ec) {
        t().call("panic", "reason", reason, "message", "FATAL PAGE FAULT [error_code=" + String.format("%04x", ec)
                + "] Faulting linear address: 0x" + Long.toHexString(cr2));
        throw new PvFatal.Panic(reason, "FATAL PAGE FAULT ec=" + PfErrorCode.symbolic(ec) + " cr2=0x"
                + Long.toHexString(cr2));
    }

    /** {@code fixup_page_fault} (§2.3), rows (a)..(f) in order. */
    @XenFunction(symbol = "fixup_page_fault", file = "xen/arch/x86/traps.c", version = "3.1, 4.22")
    Fix fixupPageFault(PvVcpu v, PfRegs regs, long addr) {
        int ec = regs.errorCode();
        t().call("fixup_page_fault", "va", addr, "ec", Trace.ec(ec));
        // (a) in_irq() or interrupts were off: no fixups. PV guests always run with IF=1 (XSA-202).
        if (!regs.interruptsEnabled()) {
            t().call("fixup_page_fault", "result", "0", "row", "a", "why", "interrupts disabled");
            return Fix.NOT_FIXED;
        }
        // (b) pagefault_by_memadd: memory hot-add of the 32-bit M2P is not modelled (no hot-add in scenarios).
        // (c) Xen's own range: only the GDT/LDT shadow area has a fixup.
        if (PvLayout.inHypervisorRange(addr)) {
            boolean filterOk = !d.profile().gdtLdtNeedsSupervisorFault()
                    || (ec & (PfErrorCode.U | PfErrorCode.RSVD)) == 0;
            if (filterOk && Long.compareUnsigned(addr, PvLayout.GDT_LDT_VIRT_START) >= 0
                    && Long.compareUnsigned(addr, PvLayout.GDT_LDT_VIRT_END) < 0) {
                Fix f = handleGdtLdtMappingFault(v, addr - PvLayout.GDT_LDT_VIRT_START, regs);
                t().call("fixup_page_fault", "result", f.handled() ? f.name() : "0", "row", "c");
                return f;
            }
            t().call("fixup_page_fault", "result", "0", "row", "c", "why", "Xen range");
            return Fix.NOT_FIXED;
        }
        // (d) writable page tables and read-only MMIO, for guest-kernel writes.
        if (guestKernelMode(v, regs)) {
            boolean ptwr = d.vmAssist(PvDomain.VMASST_WRITABLE_PAGETABLES)
                    && d.profile().ptwrErrorCodeQualifies(ec, d.logDirty());
            boolean mmioRo = d.profile().mmioRoEmulation() && d.hardwareDomain() && (ec & PfErrorCode.W) != 0
                    && (ec & (PfErrorCode.RSVD | PfErrorCode.I)) == 0 && (ec & PfErrorCode.P) != 0;
            if (ptwr || mmioRo) {
                Fix f = d.ro().pvRoPageFault(v, addr, regs);
                if (f.handled()) {
                    t().call("fixup_page_fault", "result", f.name(), "row", "d");
                    return f;
                }
            }
        }
        // (e) shadow paging (log-dirty): the shadow code fixes its own faults, Xen's included.
        if (d.logDirty()) {
            Fix f = pagingFault(v, addr, regs);
            if (f.handled()) {
                d.pvTrace().pagingFixup(regs.rip(), addr);
            }
            t().call("fixup_page_fault", "result", f.handled() ? f.name() : "0", "row", "e");
            return f;
        }
        t().call("fixup_page_fault", "result", "0", "row", "f");
        return Fix.NOT_FIXED;
    }

    /**
     * {@code guest_kernel_mode(v, regs)}: the frame is the guest's and, 64-bit: CS RPL 3 and TF_kernel_mode;
     * 32-bit: CS RPL 1.
     */
    boolean guestKernelMode(PvVcpu v, PfRegs regs) {
        if (!regs.guestMode()) {
            return false;
        }
        return d.pv32() ? (regs.cs() & 3) == 1 : (regs.cs() & 3) == 3 && v.kernelMode;
    }

    /**
     * {@code handle_gdt_ldt_mapping_fault} (§2.4): which vCPU's area, GDT or LDT half. Another vCPU's area: not
     * fixed (3.1: BUG_ON, a hypervisor panic). GDT half: the fault becomes #GP(selector).
     */
    @XenFunction(symbol = "handle_gdt_ldt_mapping_fault", file = "xen/arch/x86/traps.c", version = "3.1, 4.22")
    Fix handleGdtLdtMappingFault(PvVcpu v, long offset, PfRegs regs) {
        boolean ldtHalf = ((offset >>> (PvLayout.GDT_LDT_VCPU_VA_SHIFT - 1)) & 1) != 0;
        long area = offset >>> PvLayout.GDT_LDT_VCPU_VA_SHIFT;
        t().call("handle_gdt_ldt_mapping_fault", "offset", offset, "vcpu_area", area, "half", ldtHalf ? "ldt" : "gdt");
        if (area != v.id) {
            if (d.profile().gdtLdtForeignAreaIsBug()) {
                t().call("BUG_ON", "condition", "vcpu_area != current->vcpu_id");
                throw new PvFatal.Panic("gdt_ldt_bug_on", "fault in vCPU " + area + "'s GDT/LDT area");
            }
            return Fix.NOT_FIXED;
        }
        long off = offset & ((1L << (PvLayout.GDT_LDT_VCPU_VA_SHIFT - 1)) - 1);
        if (ldtHalf) {
            return handleLdtMappingFault(v, (int) off, regs);
        }
        int sel = (int) (off & 0xFFF8);
        if (!regs.guestMode()) {
            // do_general_protection in Xen context: exception table or fatal.
            if (extableFixup(regs)) {
                return new Fix(Fix.Kind.EXTABLE, regs.site().symbol());
            }
            throw new PvFatal.Panic("general_protection_in_xen", "GDT fault in Xen");
        }
        t().call("do_general_protection", "error_code", (long) sel);
        d.inject().pvInjectEvent(v, Vectors.GP, sel, 0);
        return Fix.forwarded("gdt_gp");
    }

    /**
     * {@code handle_ldt_mapping_fault}: map the guest's LDT page lazily; if that fails in guest context, give the
     * guest #PF at {@code ldt_base + offset} (or #GP(sel) when that address is non-canonical).
     */
    @XenFunction(symbol = "handle_ldt_mapping_fault", file = "xen/arch/x86/traps.c", version = "4.22")
    Fix handleLdtMappingFault(PvVcpu v, int offset, PfRegs regs) {
        if (pvMapLdtShadowPage(v, offset)) {
            if (regs.guestMode()) {
                d.pvTrace().gdtLdtMappingFault(regs.rip(), offset);
            }
            return Fix.fixed("ldt_mapped");
        }
        if (!regs.guestMode()) {
            return Fix.NOT_FIXED;
        }
        long linear = v.ldtBase + offset;
        if (d.pv32()) {
            linear &= 0xFFFFFFFFL;
        }
        if (!d.pv32() && !PvLayout.canonical(linear) && d.profile().ldtNonCanonicalGivesGp()) {
            int sel = (offset & ~3) | 4; // TI set
            d.inject().pvInjectEvent(v, Vectors.GP, sel, 0);
            return Fix.forwarded("ldt_gp");
        }
        d.inject().pvInjectPageFault(v, regs.errorCode(), linear);
        return Fix.forwarded("ldt_fault");
    }

    /**
     * {@code pv_map_ldt_shadow_page} (3.1: {@code map_ldt_shadow_page}): read the guest's kernel-mode L1 entry for
     * {@code ldt_base + offset}; it must be present and its frame owned by the guest and typed as segment
     * descriptors (which validates them); then Xen maps it in the vCPU's LDT shadow slot. The slot holds the
     * general and type reference until the LDT is invalidated.
     */
    @XenFunction(symbol = "pv_map_ldt_shadow_page", file = "xen/arch/x86/pv/mm.c; 3.1: xen/arch/x86/mm.c",
            version = "3.1, 4.22",
            formerly = "map_ldt_shadow_page")
    boolean pvMapLdtShadowPage(PvVcpu v, int offset) {
        String sym = sym("pv_map_ldt_shadow_page");
        if ((offset >>> 3) >= v.ldtEnts) {
            t().call(sym, "result", "false", "why", "beyond ldt_ents");
            return false;
        }
        long linear = v.ldtBase + offset;
        if (d.pv32()) {
            linear &= 0xFFFFFFFFL;
        }
        long gl1e = d.guestGetEffKernL1e(v, linear);
        if (!Pte.present(gl1e)) {
            t().call(sym, "result", "false", "why", "guest L1e not present", "linear", linear);
            return false;
        }
        long mfn = Pte.mfn(gl1e);
        PageInfo page = d.frameTable().get(mfn);
        if (!PageRefs.getPage(page, d.domid())) {
            t().call(sym, "result", "false", "why", "frame not the guest's", "mfn", mfn);
            return false;
        }
        d.mm().resetFailure();
        if (PageRefs.getPageType(page, PageType.SEG_DESC, false, d.mm()) != 0) {
            PageRefs.putPage(page);
            t().call(sym, "result", "false", "why", "not a valid descriptor page: " + d.mm().lastFailure(), "mfn",
                    mfn);
            return false;
        }
        int slot = offset >>> 12;
        if (v.ldtShadow[slot] != 0) {
            PageRefs.putPageAndType(d.frameTable().get(v.ldtShadow[slot]), d.mm());
        }
        v.ldtShadow[slot] = mfn;
        d.mm().writeEntry(d.perdomainL1(), v.id * 32 + 16 + slot, Pte.of(mfn, Pte.HYPERVISOR_RW));
        t().call(sym, "result", "true", "mfn", mfn, "slot", slot);
        return true;
    }

    /**
     * {@code spurious_page_fault} / {@code __page_fault_type} (§2.6): re-walk the loaded CR3 in memory; a fault the
     * tables no longer justify was a stale TLB entry (spurious); a user-accessible leaf reached by a supervisor
     * fetch or data access is classified SMEP/SMAP.
     */
    @XenFunction(symbol = "spurious_page_fault", file = "xen/arch/x86/traps.c", version = "3.1, 4.22")
    PfType spuriousPageFault(PvVcpu v, long addr, PfRegs regs) {
        int ec = regs.errorCode();
        PfType type = pageFaultType(v, addr, regs, ec);
        t().call("spurious_page_fault", "result", type.name().toLowerCase(java.util.Locale.ROOT), "va", addr);
        return type;
    }

    private PfType pageFaultType(PvVcpu v, long addr, PfRegs regs, int ec) {
        if ((ec & PfErrorCode.RSVD) != 0) {
            return PfType.REAL_FAULT; // reserved-bit violations are never spurious
        }
        long required = Pte.P | ((ec & PfErrorCode.W) != 0 ? Pte.RW : 0) | ((ec & PfErrorCode.U) != 0 ? Pte.US : 0);
        long disallowed = (ec & PfErrorCode.I) != 0 ? Pte.NX : 0;
        long pageUser = Pte.US;
        long mfn = v.mmu.controls().cr3() >>> 12;
        for (int level = 4; level >= 1; level--) {
            int idx = (int) ((addr >>> (12 + 9 * (level - 1))) & 511);
            long e = d.mm().readEntry(mfn, idx);
            if ((e & required) != required || (e & disallowed) != 0) {
                return PfType.REAL_FAULT;
            }
            pageUser &= e;
            if ((level == 3 || level == 2) && (e & Pte.PSE) != 0) {
                break;
            }
            mfn = Pte.mfn(e);
        }
        if (pageUser != 0 && d.xenSmepSmap()) {
            // §2.6: each classification needs its own CR4 bit, and Xen sets CR4.SMEP / CR4.SMAP only for a feature
            // the CPU has. Fixed (mut-pvdom): both were decided by "the CPU has SMEP or SMAP", so on a SMEP-only CPU
            // a Xen write to a user page that the re-walk allows panicked as a SMAP fault instead of being spurious.
            if ((ec & (PfErrorCode.I | PfErrorCode.U)) == PfErrorCode.I
                    && d.machine().spec().has(CpuFeature.SMEP)) {
                return PfType.SMEP_FAULT;
            }
            if (d.xenSmap() && (ec & PfErrorCode.U) == 0
                    && ((regs.cs() & 3) == 3 || (regs.rflags() & PfRegs.AC) == 0)) {
                return PfType.SMAP_FAULT;
            }
        }
        return PfType.SPURIOUS_FAULT;
    }

    /** {@code extable_fixup} / {@code search_exception_table}: does the faulting Xen instruction have a fixup? */
    @XenFunction(symbol = "extable_fixup", file = "xen/arch/x86/traps.c", version = "4.22",
            formerly = "search_exception_table")
    boolean extableFixup(PfRegs regs) {
        boolean has = regs.site() != null && regs.site().hasExtable();
        t().call("extable_fixup", "result", has ? "fixed" : "none", "site",
                regs.site() == null ? "-" : regs.site().symbol());
        return has;
    }

    /**
     * {@code paging_fault} for a PV guest in log-dirty mode (§2.3 row e): the shadow tables map every clean frame
     * read-only; the first write to it faults, the shadow code marks the frame dirty and the write is retried.
     * Anything the guest's own tables refuse is not the shadow code's fault: not fixed, and 4.22's
     * {@code sh_page_fault} leaves the guest walk's error code in {@code regs->error_code} for {@code handle_PF} to
     * forward ("not a shadow fault": {@code regs->error_code = gw.pfec & PFEC_arch_mask}, xen/arch/x86/mm/shadow/
     * multi.c, HEAD c447b73). The hardware's code can differ: a fault from a stale TLB entry is P=1 where the tables
     * now say not present (seed 21 try 46725: a read-only translation cached by ptwr's sub-word read, the entry
     * then made not present by that ptwr write, no flush). The walk is the guest's: a PV guest has no SMEP/SMAP of
     * its own ({@code guest_smep_enabled}/{@code guest_smap_enabled} are false for PV), and an access at CPL 3
     * without U or I is reconstructed as implicit ({@code PFEC_implicit}).
     */
    @XenFunction(symbol = "paging_fault", file = "xen/arch/x86/include/asm/paging.h", version = "3.1, 4.22")
    Fix pagingFault(PvVcpu v, long addr, PfRegs regs) {
        int ec = regs.errorCode();
        if ((ec & PfErrorCode.RSVD) != 0) {
            t().call("paging_fault", "result", "0", "why", "not a write");
            return Fix.NOT_FIXED;
        }
        AccessKind kind = (ec & PfErrorCode.I) != 0 ? AccessKind.FETCH
                : (ec & PfErrorCode.W) != 0 ? AccessKind.WRITE : AccessKind.READ;
        boolean user = (ec & PfErrorCode.U) != 0;
        boolean implicit = !user && kind != AccessKind.FETCH && (regs.cs() & 3) == 3;
        Access a = new Access(addr, kind, user || implicit ? 3 : 0, implicit, false);
        xpf.model.x86.PagingControls gc = v.mmu.controls().withSmep(false).withSmap(false);
        PageWalker.Walk w = PageWalker.walk(d.memory(), v.mmu.cpu(), gc, v.mmu.pdpteRegisters(), addr, null);
        int refused = w.status() != PageWalker.Status.TRANSLATED ? w.errorBits()
                : AccessRights.check(a, w.rights(), gc, true);
        if (w.status() != PageWalker.Status.TRANSLATED || refused != 0) {
            int pfec = ErrorCodes.base(a, gc) | refused;
            if (d.profile().shadowForwardsGuestWalkErrorCode()) {
                t().call("paging_fault", "result", "0", "why", "guest tables refuse it", "pfec", Trace.ec(pfec));
                return Fix.notFixed(pfec);
            }
            t().call("paging_fault", "result", "0", "why", "guest tables refuse it");
            return Fix.NOT_FIXED;
        }
        if (kind != AccessKind.WRITE) {
            t().call("paging_fault", "result", "0", "why", "not a write");
            return Fix.NOT_FIXED;
        }
        long mfn = w.pa() >>> 12;
        PageInfo p = d.frameTable().get(mfn);
        if (p == null || p.owner() != d.domid() || d.isDirty(mfn)) {
            t().call("paging_fault", "result", "0", "why", "not a clean frame of the guest");
            return Fix.NOT_FIXED;
        }
        d.markDirty(mfn);
        t().call("paging_fault", "result", "fixed", "mark_dirty", mfn);
        return Fix.fixed("paging");
    }
}
