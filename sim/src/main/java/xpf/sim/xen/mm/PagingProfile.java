package xpf.sim.xen.mm;

/**
 * What differs between Xen versions in the shared memory-management code of the HVM path (the software walker and
 * the shadow code). A plain carrier: the two profiles are defined, next to the HVM differences, in one place
 * ({@code xpf.sim.xen.hvm.HvmProfile}), because {@code xen.mm} may not depend on the HVM package.
 *
 * @param walkChecksReservedBits guest_walk_tables checks reserved bits (3.0.4: "no reserved-bit checks", §3.4)
 * @param walkChecksRights       the walk itself applies the §1.1c rights and computes the error code (3.0.4: the
 *                               walk computes no error code; sh_page_fault bails on U/RW/NX with the hardware one)
 * @param walkSetsAccessedDirty  A/D are set by the walk after it succeeds (3.0.4: by guest_set_ad_bits during
 *                               propagation)
 * @param gnpFastPath            not-present guest entries are shadowed as the "guest not present" magic and the
 *                               fast path injects from it (§3.3: only when OOS is compiled out, i.e. the 2007 code)
 * @param fastEmulation          F1: SHOPT_FAST_EMULATION (a repeated PT write goes straight to the emulator)
 * @param pfecImplicit           F4: an implicit supervisor access at CPL 3 is reconstructed as PFEC_implicit
 * @param walkPatchesErrorCodeP  F6 (OOS builds): regs ec.P := the walk's P
 * @param cr0WpEmulation         F20: a supervisor write with guest CR0.WP=0 through a read-only PTE is emulated
 * @param p2mTypeChecks          F9/F19 and read-only p2m types exist (p2m types came after 3.1)
 * @param shadowTrace            the TRC_SHADOW_* records exist (added Sept 2008)
 * @param prefetch               SHOPT_PREFETCH: neighbouring guest L1 entries are shadowed after a fault
 * @param limitShadowPaddrBits   the XSA-173 fix: a shadowed guest's MAXPHYADDR is at most 44, so every superpage
 *                               gfn fits the 32-bit backpointer
 * @param emulateChecksInjectionFaulted the emulate path first asks {@code hvm_event_injection_faulted} (the exit
 *                               interrupted an event delivery: IDT-vectoring info / EXITINTINFO valid) and unshadows;
 *                               3.1 (multi.c of 3.1.0-branched). Modern Xen asks {@code hvm_event_pending} (E5) after
 *                               the user-mode check instead.
 * @param emulateFailsSystemSegments the shadow emulator's ops refuse a system-segment (implicit) access: {@code
 *                               hvm_emulate_read} only takes user segments, {@code hvm_emulate_write}/{@code _cmpxchg}
 *                               fail in {@code hvm_get_seg_reg} beyond the six user segments (XSA-187, 2016)
 * @param unpagedTableIsP2m      with guest paging off, the guest table Xen shadows is the p2m itself (3.1:
 *                               {@code sh_update_paging_modes} of 3.1.0-branched points {@code guest_table} at the
 *                               p2m's first L3 and shadows it as a PAE guest, so a gfn with no p2m entry is "not
 *                               present" there and means MMIO at gpa = va); current Xen shadows a 1:1 table of 4 MiB
 *                               superpages ({@code unpaged_pagetable}, every entry present)
 */
public record PagingProfile(String name, boolean walkChecksReservedBits, boolean walkChecksRights,
        boolean walkSetsAccessedDirty, boolean gnpFastPath, boolean fastEmulation, boolean pfecImplicit,
        boolean walkPatchesErrorCodeP, boolean cr0WpEmulation, boolean p2mTypeChecks, boolean shadowTrace,
        boolean prefetch, boolean limitShadowPaddrBits, boolean emulateChecksInjectionFaulted,
        boolean emulateFailsSystemSegments, boolean unpagedTableIsP2m) {

    /** The same profile, for walks that only translate (validation, prefetch, invariant checks): no rights checks. */
    public PagingProfile translateOnly() {
        return new PagingProfile(name, walkChecksReservedBits, false, walkSetsAccessedDirty, gnpFastPath,
                fastEmulation, pfecImplicit, walkPatchesErrorCodeP, cr0WpEmulation, p2mTypeChecks, shadowTrace,
                prefetch, limitShadowPaddrBits, emulateChecksInjectionFaulted, emulateFailsSystemSegments,
                unpagedTableIsP2m);
    }
}
