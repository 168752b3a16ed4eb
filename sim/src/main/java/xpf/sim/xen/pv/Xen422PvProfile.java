package xpf.sim.xen.pv;

import xpf.model.scenario.XenProfile;
import xpf.model.x86.PfErrorCode;

/** Xen 4.22 (HEAD c447b7308b): the current PV path. */
final class Xen422PvProfile implements PvProfile {
    static final Xen422PvProfile INSTANCE = new Xen422PvProfile();

    /** {@code FASTPATH_FLAG_WHITELIST} (mm.c, since XSA-182): flags a guest may change without re-validation. */
    static final long FASTPATH_FLAG_WHITELIST = Pte.NX | Pte.AVAIL_HIGH | Pte.AVAIL | Pte.G | Pte.D | Pte.A | Pte.US;

    private Xen422PvProfile() {
    }

    @Override
    public XenProfile id() {
        return XenProfile.XEN_4_22;
    }

    @Override
    public String version() {
        return "4.22";
    }

    @Override
    public String symbol(String modern) {
        return modern;
    }

    @Override
    public boolean emitsPvTraces() {
        return true;
    }

    /** Everything except P, RW, US, A, D, AVAIL, AVAIL_HIGH and NX (NX only if the CPU has it). */
    @Override
    public long baseDisallowMask(boolean cpuHasNx) {
        return Pte.PWT | Pte.PCD | Pte.PSE | Pte.G | (cpuHasNx ? 0 : Pte.NX);
    }

    @Override
    public long l1DisallowMask(boolean cpuHasNx, boolean cacheFlushPermitted) {
        long m = baseDisallowMask(cpuHasNx) & ~Pte.G;
        return cacheFlushPermitted ? m & ~Pte.CACHE_ATTRS : m;
    }

    /** 32-bit PV: Xen's 0xFFFFF198 flags mask = PWT, PCD, PSE, G and every high bit (AVAIL_HIGH, NX). */
    @Override
    public long l3DisallowMask(boolean cpuHasNx, boolean pv32) {
        return pv32 ? Pte.PWT | Pte.PCD | Pte.PSE | Pte.G | Pte.AVAIL_HIGH | Pte.NX : baseDisallowMask(cpuHasNx);
    }

    @Override
    public long l1FastPathCompared() {
        return ~FASTPATH_FLAG_WHITELIST;
    }

    @Override
    public long pdeFastPathCompared() {
        return ~FASTPATH_FLAG_WHITELIST;
    }

    @Override
    public boolean adjustL4AddsAccessed() {
        return true;
    }

    @Override
    public boolean linearPtDepthLimited() {
        return true;
    }

    @Override
    public boolean linearPtAtPv32L3() {
        return false;
    }

    @Override
    public boolean flushAfterUpperPtChange() {
        return true;
    }

    @Override
    public boolean flushOnDevalidate() {
        return false;
    }

    @Override
    public long mmuErrno(long rc) {
        return rc;
    }

    @Override
    public boolean flushEvenAfterFailedUpdate() {
        return false;
    }

    @Override
    public boolean shadowStackPanics() {
        return true;
    }

    @Override
    public boolean reservedBitPanics() {
        return true;
    }

    @Override
    public boolean shadowForwardsGuestWalkErrorCode() {
        return true;
    }

    @Override
    public boolean ptwrErrorCodeQualifies(int ec, boolean pagingEnabled) {
        return (ec & PfErrorCode.W) != 0 && (ec & (PfErrorCode.RSVD | PfErrorCode.I)) == 0
                && (pagingEnabled || (ec & PfErrorCode.P) != 0);
    }

    @Override
    public boolean mmioRoEmulation() {
        return true;
    }

    @Override
    public boolean ioMappingsForcedUncacheable() {
        return true;
    }

    @Override
    public boolean gdtLdtNeedsSupervisorFault() {
        return true;
    }

    @Override
    public boolean gdtLdtForeignAreaIsBug() {
        return false;
    }

    @Override
    public boolean ldtNonCanonicalGivesGp() {
        return true;
    }

    @Override
    public boolean xenUsesSmepSmap() {
        return true;
    }

    @Override
    public boolean ptwrUsesPageLock() {
        return true;
    }

    @Override
    public boolean ptwrReadsKernelL1e() {
        return true;
    }

    @Override
    public boolean trapTableCanonicalCheck() {
        return true;
    }

    /** {@code HYPERVISOR_VIRT_START < base < HYPERVISOR_VIRT_END + 64} (entry.S create_bounce_frame). */
    @Override
    public boolean bounceStackInXenRange(long base) {
        return Long.compareUnsigned(base, PvLayout.HYPERVISOR_VIRT_START) > 0
                && Long.compareUnsigned(base, PvLayout.HYPERVISOR_VIRT_END + 64) < 0;
    }

    @Override
    public String bounceSite() {
        return "test_all_events";
    }

    /** {@code VM_ASSIST_VALID}: types 0-5, plus m2p_strict (32) for 64-bit guests. */
    @Override
    public boolean vmAssistKnown(int type, boolean pv32) {
        return (type >= 0 && type <= 5) || (type == 32 && !pv32);
    }
}
