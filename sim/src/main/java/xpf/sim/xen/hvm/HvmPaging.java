package xpf.sim.xen.hvm;

import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Knobs;
import xpf.sim.trace.Trace;
import xpf.sim.xen.XenFunction;
import xpf.sim.xen.mm.shadow.ShadowPaging;

/**
 * {@code paging_fault} (asm/paging.h): the #PF exit's entry into the paging code, which hands the fault to the
 * paging mode's handler: {@code sh_page_fault} under shadow paging, {@code hap_page_fault} under HAP (where a #PF
 * should never be intercepted). Returns non-zero (EXCRET_fault_fixed) when the fault was Xen's business.
 */
public final class HvmPaging {

    private HvmPaging() {
    }

    @XenFunction(symbol = "paging_fault", file = "xen/arch/x86/include/asm/paging.h", version = "3.1, 4.22",
            formerly = {"svm_do_page_fault", "vmx_do_page_fault", "shadow_fault"})
    public static ShadowPaging.Result pagingFault(HvmVcpu v, long va, int ec, GuestAccess insn, Knobs knobs,
            Trace t) {
        HvmDomain d = v.domain();
        t.call("paging_fault", "va", va, "ec", Trace.ec(ec), "mode", d.hap() ? "hap" : "shadow", "seed_step", 2,
                "formerly", v.arch().svm() ? "svm_do_page_fault" : "vmx_do_page_fault");
        if (d.hap()) {
            return hapPageFault(v, va, t);
        }
        t.call("paging_get_hostmode(v)->page_fault", "handler", "sh_page_fault", "seed_step", 3, "formerly",
                "shadow_fault");
        return d.shadow().shPageFault(v, va, ec, insn, knobs.emulatorFails(), knobs.shadowOom(), t);
    }

    /** {@code hap_page_fault}: "Intercepted #PF ... with HAP enabled" crashes the domain. */
    @XenFunction(symbol = "hap_page_fault", file = "xen/arch/x86/mm/hap/hap.c", version = "4.22")
    static ShadowPaging.Result hapPageFault(HvmVcpu v, long va, Trace t) {
        v.domainCrash("hap_intercepted_pf", "Intercepted #PF from va 0x" + Long.toHexString(va)
                + " with HAP enabled", t);
        return new ShadowPaging.Result(0, 0, ShadowPaging.Kind.CRASHED, null, null);
    }

    /**
     * Records what a handled (non-zero) {@code paging_fault} did in the step's log.
     *
     * @return true if the instruction was completed by emulation
     */
    public static boolean recordFixed(HvmVcpu v, ShadowPaging.Result r) {
        switch (r.kind()) {
            case FIXED -> v.log().fixed(r.fixup());
            case EMULATED -> {
                v.log().emulated(r.fixup(), r.value());
                return true;
            }
            default -> {
                // INJECTED: hvm_inject_event already logged it.
            }
        }
        return false;
    }

    /**
     * Records what a handled {@code hvm_hap_nested_page_fault} did.
     *
     * @return true if the instruction was completed by emulation
     */
    public static boolean recordHap(HvmVcpu v, HapNestedFault.Result r) {
        if (r.emulated()) {
            v.log().emulated(r.fixup(), r.value());
            return true;
        }
        v.log().fixed(r.fixup());
        return false;
    }
}
