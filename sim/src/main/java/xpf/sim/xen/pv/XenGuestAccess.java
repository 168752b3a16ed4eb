package xpf.sim.xen.pv;

import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.sim.trace.Trace;
import xpf.sim.x86.LinearAccess;
import xpf.sim.x86.Mmu;

/**
 * Xen touching guest memory through the guest's own page tables, in ring 0 on the vCPU's MMU (same CR3, same TLB):
 * {@code copy_from_guest}, {@code get_unsafe} on the linear page table, {@code create_bounce_frame}'s stores. A fault
 * here is a #PF in Xen context and goes through {@code handle_PF} like any other (§2.2 step 5): log-dirty fixups and
 * spurious faults retry the access; a real fault continues at the site's exception-table fixup, reported to the
 * caller as a failed access; a fault without one panics.
 *
 * <p>SMAP: Xen brackets these accesses with STAC/CLAC, so the vCPU's controls carry EFLAGS.AC=1 (a 64-bit PV guest
 * runs in ring 3, where AC has no paging effect).
 */
final class XenGuestAccess {

    /** The value read (0 for writes), or a failed access with the address that faulted. */
    record Result(boolean ok, long value, long faultVa) {
        static Result failed(long va) {
            return new Result(false, 0, va);
        }
    }

    /** Spurious faults and log-dirty fixups retry; a fault that stays after this many rounds is a model error. */
    private static final int MAX_RETRIES = 4;

    private final PvDomain d;

    XenGuestAccess(PvDomain d) {
        this.d = d;
    }

    Result read(PvVcpu v, long va, int size, XenSite site) {
        return access(v, va, size, 0, false, site);
    }

    Result write(PvVcpu v, long va, int size, long value, XenSite site) {
        return access(v, va, size, value, true, site);
    }

    /**
     * Xen's accesses run with Xen's CR4 (SMAP when Xen uses it; a 32-bit guest runs with SMEP/SMAP cleared, Xen
     * restores them on entry) and with EFLAGS.AC set where the code brackets the access with STAC. The seeded
     * XSA-183 leaves the 32-bit bounce-frame stores without STAC.
     */
    private Result access(PvVcpu v, long va, int size, long value, boolean write, XenSite site) {
        boolean whitelisted = site.hasExtable()
                && !(d.pv32() && site == XenSite.BOUNCE_FRAME && d.xen().bug(PvBug.XSA_183));
        xpf.model.x86.PagingControls guest = v.mmu.controls();
        boolean xenSmap = d.xenSmap();
        if (guest.cr4Smap() == xenSmap && guest.eflagsAc() == whitelisted) {
            return accessIn(v, va, size, value, write, site, whitelisted); // Xen's SMAP and AC are the guest's
        }
        v.mmu.setControls(guest.withSmap(xenSmap).withAc(whitelisted)); // CR4.SMAP and EFLAGS.AC flush nothing
        try {
            return accessIn(v, va, size, value, write, site, whitelisted);
        } finally {
            v.mmu.setControls(v.mmu.controls().withSmap(guest.cr4Smap()).withAc(guest.eflagsAc()));
        }
    }

    private Result accessIn(PvVcpu v, long va, int size, long value, boolean write, XenSite site,
            boolean whitelisted) {
        Trace t = d.trace();
        AccessKind kind = write ? AccessKind.WRITE : AccessKind.READ;
        Access a = new Access(va, kind, 0, false, false);
        for (int round = 0; round < MAX_RETRIES; round++) {
            PvDomain.LogDirtyFault shadow = d.logDirtyWriteFault(v, a, size);
            Integer shadowEc = shadow == null ? null : shadow.errorCode();
            Mmu.Result fault;
            long got = 0;
            if (shadowEc != null) {
                fault = null;
            } else {
                LinearAccess.Result r = write ? LinearAccess.write(v.mmu, a, size, value)
                        : LinearAccess.read(v.mmu, a, size);
                if (r.ok()) {
                    return new Result(true, r.value(), 0);
                }
                fault = r.fault();
                got = fault.la();
            }
            if (fault != null && fault.outcome() != Mmu.Outcome.PAGE_FAULT) {
                // A non-canonical address in Xen raises #GP; do_general_protection uses the same extable.
                t.hardware("#GP", "in", "Xen", "va", va, "site", site.symbol());
                if (site.hasExtable()) {
                    t.call("extable_fixup", "result", "fixed", "site", site.symbol());
                    return Result.failed(va);
                }
                throw new PvFatal.Panic("general_protection_in_xen", "#GP in Xen at " + site.symbol());
            }
            int ec = shadowEc != null ? shadowEc : fault.errorCode();
            long cr2 = shadow != null ? shadow.cr2() : got;
            t.hardware("#PF", "in", "Xen", "va", cr2, "ec", Trace.ec(ec), "site", site.symbol(),
                    "source", shadowEc != null ? "shadow" : fault.source());
            Fix f = d.traps().handlePF(v, PfRegs.xen(ec, site, whitelisted), cr2);
            switch (f.kind()) {
                case FIXED -> {
                    // spurious or paging: Xen re-executes its own instruction
                }
                case EXTABLE -> {
                    return Result.failed(cr2);
                }
                default -> throw new IllegalStateException("Xen-context #PF ended in " + f);
            }
        }
        throw new IllegalStateException("Xen-context access to 0x" + Long.toHexString(va) + " kept faulting");
    }
}
