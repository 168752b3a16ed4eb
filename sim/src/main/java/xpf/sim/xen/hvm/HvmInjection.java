package xpf.sim.xen.hvm;

import xpf.model.x86.Vectors;
import xpf.sim.trace.Trace;
import xpf.sim.xen.XenFunction;

/**
 * Xen's common injection entry points (xen/arch/x86/hvm/hvm.c, asm/hvm/hvm.h; xen-hvm-fault-path.md §1.4, §2.4, §4):
 * {@code hvm_inject_page_fault} → {@code hvm_inject_event} → {@code hvm_funcs.inject_event} (SVM or VMX), and
 * {@code hvm_triple_fault}. SVM and VMX share them, as in Xen.
 */
public final class HvmInjection {

    /** Xen's {@code SHUTDOWN_*} codes (public/sched.h) by value. */
    private static final String[] SHUTDOWN = {"poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset"};

    private HvmInjection() {
    }

    public static String shutdownName(long code) {
        return code >= 0 && code < SHUTDOWN.length ? SHUTDOWN[(int) code] : Long.toString(code);
    }

    /** {@code hvm_inject_page_fault(errcode, cr2)}. */
    @XenFunction(symbol = "hvm_inject_page_fault", file = "xen/arch/x86/include/asm/hvm/hvm.h", version = "4.22",
            formerly = {"svm_inject_exception", "vmx_inject_hw_exception"})
    public static void hvmInjectPageFault(HvmVcpu v, int errorCode, long cr2, Trace t) {
        t.call("hvm_inject_page_fault", "ec", Trace.ec(errorCode), "cr2", cr2, "seed_step", 4);
        hvmInjectEvent(v, HvmEvent.pageFault(errorCode, cr2), t);
    }

    /** {@code hvm_inject_hw_exception(vector, errcode)}. */
    @XenFunction(symbol = "hvm_inject_hw_exception", file = "xen/arch/x86/include/asm/hvm/hvm.h", version = "4.22")
    public static void hvmInjectHwException(HvmVcpu v, int vector, Integer errorCode, Trace t) {
        hvmInjectEvent(v, HvmEvent.hwException(vector, errorCode), t);
    }

    /**
     * {@code hvm_inject_event}: asserts that an error code is present iff the event is a hardware exception with a
     * vector in {@code X86_EXC_HAVE_EC} (debug builds; here a trace note), then the architecture's injection.
     */
    @XenFunction(symbol = "hvm_inject_event", file = "xen/arch/x86/hvm/hvm.c", version = "4.22")
    public static void hvmInjectEvent(HvmVcpu v, HvmEvent e, Trace t) {
        boolean wantsEc = e.type() == EventType.HW_EXC && HvmExceptions.HAVE_EC.contains(e.vector());
        if (wantsEc != e.hasErrorCode()) {
            t.note("ASSERT in hvm_inject_event would fire: " + e + " error code presence is wrong");
        }
        t.call("hvm_inject_event", "vector", e.vector(), "type", e.type().wireName(), "ec",
                e.errorCode() == null ? "-" : e.vector() == Vectors.PF ? Trace.ec(e.errorCode()) : e.errorCode());
        HvmEvent written = v.arch().injectEvent(e, t);
        if (v.domain().alive()) {
            v.log.injected(new StepLog.Injection(written.vector(), written.errorCode(),
                    written.vector() == Vectors.PF || written.vector() == Vectors.DF ? v.guestCr2()
                            : null, v.arch().eventFields()));
        }
    }

    /**
     * {@code hvm_triple_fault}: {@code domain_shutdown} with HVM_PARAM_TRIPLE_FAULT_REASON (param
     * {@code triple_fault_reason}, default SHUTDOWN_reboot). xen-3.1 has no such parameter: it always does
     * {@code domain_shutdown(d, SHUTDOWN_reboot)} ("invoking HVM system reset"; hvm.c of tag 3.1.0-branched, added
     * Jan 2007 by 5c9548534e). Fixed (rule hvm.4): the model used to crash the domain in 3.1, which is 3.0.4's
     * behaviour (xen-hvm-fault-path.md §2.5, §4).
     */
    @XenFunction(symbol = "hvm_triple_fault", file = "xen/arch/x86/hvm/hvm.c", version = "3.1, 4.22")
    public static void hvmTripleFault(HvmVcpu v, String cause, Trace t) {
        HvmDomain d = v.domain();
        if (!d.profile().tripleFaultReasonParam()) {
            t.call("hvm_triple_fault", "reason", shutdownName(1), "cause", cause,
                    "log", "Triple fault on VCPU" + v.vcpuId() + " - invoking HVM system reset.");
            d.shutdown(shutdownName(1), cause, t);
            return;
        }
        long reason = d.param("triple_fault_reason", 1);
        t.call("hvm_triple_fault", "reason", shutdownName(reason), "cause", cause,
                "log", "Triple fault - invoking HVM shutdown action " + reason);
        d.shutdown(shutdownName(reason), cause, t);
    }
}
