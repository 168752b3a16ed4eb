package xpf.sim.xen.pv;

import java.util.Map;
import xpf.model.scenario.Errno;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.PfErrorCode;

/**
 * Xen 3.1 (tag 3.1.0-branched, May 2007), the Xen of the seed mail. The differences are those of
 * xen-pv-fault-path.md §8, checked against that tag's xen/arch/x86/{traps.c,mm.c} and
 * xen/include/asm-x86/x86_64/page.h.
 */
final class Xen31PvProfile implements PvProfile {
    static final Xen31PvProfile INSTANCE = new Xen31PvProfile();

    private static final Map<String, String> SYMBOLS = Map.ofEntries(
            Map.entry("entry_PF", "page_fault"),
            Map.entry("handle_PF", "do_page_fault"),
            Map.entry("pv_inject_page_fault", "propagate_page_fault"),
            Map.entry("pv_ro_page_fault", ""),
            Map.entry("pv_inject_event", ""),
            Map.entry("pv_map_ldt_shadow_page", "map_ldt_shadow_page"),
            Map.entry("promote_l1_table", "alloc_l1_table"),
            Map.entry("promote_l2_table", "alloc_l2_table"),
            Map.entry("promote_l3_table", "alloc_l3_table"),
            Map.entry("promote_l4_table", "alloc_l4_table"),
            Map.entry("guest_get_eff_kern_l1e", "guest_get_eff_l1e"),
            Map.entry("map_guest_l1e", "guest_map_l1e"));

    private Xen31PvProfile() {
    }

    @Override
    public XenProfile id() {
        return XenProfile.XEN_3_1;
    }

    @Override
    public String version() {
        return "3.1";
    }

    @Override
    public String symbol(String modern) {
        return SYMBOLS.getOrDefault(modern, modern);
    }

    @Override
    public boolean emitsPvTraces() {
        return false;
    }

    /** {@code BASE_DISALLOW_MASK = 0xFF800180 & ~_PAGE_NX}: PSE/PAT and GLOBAL; PCD/PWT were allowed. */
    @Override
    public long baseDisallowMask(boolean cpuHasNx) {
        return Pte.PSE | Pte.G | (cpuHasNx ? 0 : Pte.NX);
    }

    @Override
    public long l1DisallowMask(boolean cpuHasNx, boolean cacheFlushPermitted) {
        return baseDisallowMask(cpuHasNx) & ~Pte.G;
    }

    /** {@code COMPAT_L3_DISALLOW_MASK = 0xFFFFF1E6}: RW, US, A, D, PSE, G and every high bit. */
    @Override
    public long l3DisallowMask(boolean cpuHasNx, boolean pv32) {
        return pv32 ? Pte.RW | Pte.US | Pte.A | Pte.D | Pte.PSE | Pte.G | Pte.AVAIL_HIGH | Pte.NX
                : baseDisallowMask(cpuHasNx);
    }

    /** "Fast path for identical mapping, r/w and presence" ({@code l1e_has_changed(.., _PAGE_RW|_PAGE_PRESENT)}). */
    @Override
    public long l1FastPathCompared() {
        return Pte.P | Pte.RW;
    }

    /** "Fast path for identical mapping and presence": the XSA-182/148 bug class. */
    @Override
    public long pdeFastPathCompared() {
        return Pte.P;
    }

    @Override
    public boolean adjustL4AddsAccessed() {
        return false;
    }

    @Override
    public boolean linearPtDepthLimited() {
        return false;
    }

    @Override
    public boolean linearPtAtPv32L3() {
        return true;
    }

    @Override
    public boolean flushAfterUpperPtChange() {
        return false;
    }

    /** "rc = rc ? rc : -EINVAL": only -EFAULT, -ESRCH and -ENOSYS survived; every validation failure is -EINVAL. */
    @Override
    public boolean flushOnDevalidate() {
        return true;
    }

    @Override
    public long mmuErrno(long rc) {
        if (rc == 0 || rc == -Errno.EFAULT || rc == -Errno.ESRCH || rc == -Errno.ENOSYS) {
            return rc;
        }
        return -Errno.EINVAL;
    }

    @Override
    public boolean flushEvenAfterFailedUpdate() {
        return true;
    }

    @Override
    public boolean shadowStackPanics() {
        return false;
    }

    @Override
    public boolean reservedBitPanics() {
        return false;
    }

    @Override
    public boolean shadowForwardsGuestWalkErrorCode() {
        return false;
    }

    @Override
    public boolean ptwrErrorCodeQualifies(int ec, boolean pagingEnabled) {
        return (ec & PfErrorCode.W) != 0;
    }

    @Override
    public boolean mmioRoEmulation() {
        return false;
    }

    @Override
    public boolean ioMappingsForcedUncacheable() {
        return false;
    }

    @Override
    public boolean gdtLdtNeedsSupervisorFault() {
        return false;
    }

    @Override
    public boolean gdtLdtForeignAreaIsBug() {
        return true;
    }

    @Override
    public boolean ldtNonCanonicalGivesGp() {
        return false;
    }

    @Override
    public boolean xenUsesSmepSmap() {
        return false;
    }

    @Override
    public boolean ptwrUsesPageLock() {
        return false;
    }

    @Override
    public boolean ptwrReadsKernelL1e() {
        return false;
    }

    @Override
    public boolean trapTableCanonicalCheck() {
        return false;
    }

    /** §8.7: {@code HYPERVISOR_VIRT_START <= rsp < HYPERVISOR_VIRT_END + 60}. */
    @Override
    public boolean bounceStackInXenRange(long base) {
        return Long.compareUnsigned(base, PvLayout.HYPERVISOR_VIRT_START) >= 0
                && Long.compareUnsigned(base, PvLayout.HYPERVISOR_VIRT_END + 60) < 0;
    }

    @Override
    public String bounceSite() {
        return "handle_exception";
    }

    /** {@code MAX_VMASST_TYPE} = 3 (4gb_segments, 4gb_segments_notify, writable_pagetables, pae_extended_cr3). */
    @Override
    public boolean vmAssistKnown(int type, boolean pv32) {
        return type >= 0 && type <= 3;
    }
}
