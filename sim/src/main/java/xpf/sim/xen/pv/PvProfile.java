package xpf.sim.xen.pv;

import xpf.model.scenario.XenProfile;

/**
 * Everything in which the PV path of Xen 3.1 (the seed mail's era) and Xen 4.22 differ, in one place
 * (xen-pv-fault-path.md §8). Each decision point asks its question here instead of testing the version, so the two
 * implementations ({@link Xen31PvProfile}, {@link Xen422PvProfile}) read as the list of differences.
 *
 * <p>Masks are in PTE bit positions ({@link Pte}).
 */
public interface PvProfile {

    XenProfile id();

    /** The Xen version string used in traces and {@code @XenFunction}: {@code 3.1} or {@code 4.22}. */
    String version();

    /**
     * The C symbol a decision point had in this version (names drift: {@code handle_PF} was {@code do_page_fault},
     * {@code pv_inject_page_fault} was {@code propagate_page_fault}). The argument is the 4.22 name; an empty
     * result means the function did not exist in this version (its work was done by the caller).
     */
    String symbol(String modern);

    // ---- §7 tracing ----

    /** Whether Xen emits {@code TRC_PV_*} xentrace records (3.1 had none; they came in 3.2). */
    boolean emitsPvTraces();

    // ---- §3.3 / §4.3 validation ----

    /** {@code base_disallow_mask}: flags no guest entry of any level may set. */
    long baseDisallowMask(boolean cpuHasNx);

    /** {@code l1_disallow_mask(d)}; {@code cacheFlushPermitted}: the domain may set cache attributes (I/O-capable). */
    long l1DisallowMask(boolean cpuHasNx, boolean cacheFlushPermitted);

    /** {@code l3_disallow_mask(d)}: a 32-bit PV guest's L3 has its own mask. */
    long l3DisallowMask(boolean cpuHasNx, boolean pv32);

    /**
     * §4.7 fast path of {@code mod_l1_entry}: the flag bits that, when changed with the frame unchanged, still force
     * full validation. 4.22: everything outside the XSA-182 whitelist; 3.1: only P and RW.
     */
    long l1FastPathCompared();

    /** The same for {@code mod_l2/l3/l4_entry}. 4.22: everything outside the whitelist; 3.1: only P. */
    long pdeFastPathCompared();

    /** {@code adjust_guest_l4e} also sets A (4.22, for per-pCPU L4 shadows); 3.1 added US only. */
    boolean adjustL4AddsAccessed();

    /** §4.4 point 4: linear page tables limited to depth one with {@code linear_pt_count} (XSA-240, 4.22). */
    boolean linearPtDepthLimited();

    /** §4.4 / XSA-185: same-level entries allowed in a 32-bit guest's L3. */
    boolean linearPtAtPv32L3();

    /** §4.7: flush the TLBs of the page-table owner after a successful L2+ update (XSA-286, 4.22). */
    boolean flushAfterUpperPtChange();

    /**
     * De-validating a page table flushes the domain's TLBs at once (3.1 {@code free_page_type}); 4.22 defers the
     * safety to the next type change ({@code tlbflush_timestamp}).
     */
    boolean flushOnDevalidate();

    /** §4.7 / §8.8: the errno an {@code mmu_update}/{@code mmuext_op} failure reports (3.1: all -EINVAL). */
    long mmuErrno(long rc);

    /** {@code update_va_mapping} flushes as asked even when the update failed (3.1; fixed for XSA-279). */
    boolean flushEvenAfterFailedUpdate();

    // ---- §2.2 / §2.3 the #PF handler ----

    /** §2.2 step 2: a #PF with the shadow-stack bit panics (CET, 4.22). */
    boolean shadowStackPanics();

    /** §2.2 step 4: a #PF with RSVD not fixed by the shadow code panics, in any context (4.14+, commit 9947ddbf70). */
    boolean reservedBitPanics();

    /**
     * §2.3 row (e): when the shadow code's walk of the guest's tables fails, {@code sh_page_fault} replaces the
     * hardware error code with the guest walk's ({@code regs->error_code = gw.pfec & PFEC_arch_mask}, 4.22
     * xen/arch/x86/mm/shadow/multi.c), and {@code handle_PF} forwards that one. 3.1's {@code sh_page_fault} left the
     * hardware error code alone ({@code not_a_shadow_fault} returns 0 without touching it; tag 3.1.0-branched).
     */
    boolean shadowForwardsGuestWalkErrorCode();

    /**
     * §2.3 row (d) and §8.3: whether the fault's error code qualifies for ptwr (the guest-kernel-mode and vm_assist
     * conditions are checked by the caller). 4.22: W=1, RSVD=0, I=0, and P=1 unless shadowed; 3.1: W=1 only.
     */
    boolean ptwrErrorCodeQualifies(int errorCode, boolean pagingEnabled);

    /** §2.3 row (d): read-only MMIO emulation for the hardware domain (not in 3.1). */
    boolean mmioRoEmulation();

    /**
     * §3.3 rule 2: an L1 entry of an I/O frame has its cacheable memory type flipped to UC (WB → PCD|PWT; WT and WP →
     * PCD, WP also loses PAT) — {@code get_page_from_l1e}'s flip bits, 4.x (xen/arch/x86/mm.c, HEAD c447b73: the
     * {@code switch (l1f & PAGE_CACHE_ATTRS)} after the mmio_ro check). 3.1 checks the permission only.
     */
    boolean ioMappingsForcedUncacheable();

    /** §2.3 row (c): only supervisor, non-RSVD faults reach the GDT/LDT handler (fix d4d2cb2113, 2010; not in 3.1). */
    boolean gdtLdtNeedsSupervisorFault();

    /** §6: a fault in another vCPU's GDT/LDT area hits {@code BUG_ON} (3.1) instead of returning "not fixed". */
    boolean gdtLdtForeignAreaIsBug();

    /** §2.4: a failed LDT mapping whose address is non-canonical gives #GP(sel) instead of #PF (not in 3.1). */
    boolean ldtNonCanonicalGivesGp();

    /** Xen runs with CR4.SMEP/SMAP when the CPU has them (not 3.1). */
    boolean xenUsesSmepSmap();

    /** §3.1 step 5: ptwr takes a general reference and {@code page_lock} (4.22) or the big lock (3.1). */
    boolean ptwrUsesPageLock();

    /** §3.1 step 2: ptwr reads the PTE from the kernel page tables ({@code guest_get_eff_kern_l1e}, 4.22) or the
     *  current ones ({@code guest_get_eff_l1e}, 3.1). */
    boolean ptwrReadsKernelL1e();

    // ---- §5 delivery ----

    /** §5.1: {@code set_trap_table} refuses non-canonical handler addresses (XSA-7 hardening; not 3.1). */
    boolean trapTableCanonicalCheck();

    /** §5.4 step 2 / §8.7: whether the (aligned) bounce-frame base lies in Xen's range, so the domain is crashed. */
    boolean bounceStackInXenRange(long base);

    /** §8.2: the bounce is built in {@code test_all_events} (4.22) or right after the C handler (3.1). */
    String bounceSite();

    /** {@code vm_assist}: whether {@code type} is a known assist for this kind of guest. */
    boolean vmAssistKnown(int type, boolean pv32);

    static PvProfile of(XenProfile p) {
        return switch (p) {
            case XEN_3_1 -> Xen31PvProfile.INSTANCE;
            case XEN_4_22 -> Xen422PvProfile.INSTANCE;
        };
    }
}
