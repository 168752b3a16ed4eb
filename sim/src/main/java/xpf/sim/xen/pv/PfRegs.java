package xpf.sim.xen.pv;

/**
 * The part of the saved register frame ({@code struct cpu_user_regs}) that the #PF handler reads: whose frame it is
 * ({@code guest_mode}), CS and RIP, RFLAGS, the error code (which fixups may rewrite), and for a fault inside Xen the
 * site that faulted (its extable entry).
 */
record PfRegs(boolean guestMode, int cs, long rip, long rflags, int errorCode, XenSite site) {

    static final long IF = 0x200;
    static final long AC = 0x40000;

    static PfRegs guest(int cs, long rip, long rflags, int errorCode) {
        return new PfRegs(true, cs, rip, rflags, errorCode, null);
    }

    /** A fault inside Xen: ring-0 CS; EFLAGS.AC set where Xen whitelisted the access for SMAP (STAC). */
    static PfRegs xen(int errorCode, XenSite site, boolean smapWhitelisted) {
        return new PfRegs(false, PvLayout.HYPERVISOR_CS, 0, IF | (smapWhitelisted ? AC : 0), errorCode, site);
    }

    boolean interruptsEnabled() {
        return (rflags & IF) != 0;
    }

    PfRegs withErrorCode(int ec) {
        return new PfRegs(guestMode, cs, rip, rflags, ec, site);
    }
}
