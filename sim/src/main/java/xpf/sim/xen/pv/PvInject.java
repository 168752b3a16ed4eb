package xpf.sim.xen.pv;

import xpf.model.x86.PfErrorCode;
import xpf.model.x86.Vectors;
import xpf.sim.trace.Trace;
import xpf.sim.xen.XenFunction;

/**
 * Queuing an exception for a PV guest (xen-pv-fault-path.md §5.2; xen/arch/x86/pv/traps.c, 3.1 traps.c): the trap
 * bounce is filled from the vCPU's virtual IDT; for #PF the virtual CR2 and {@code vcpu_info.arch.cr2} are written
 * and the error code's U bit is recomputed from guest kernel mode. Delivery itself happens on the way out
 * ({@link BounceFrame}).
 */
final class PvInject {

    private final PvDomain d;

    PvInject(PvDomain d) {
        this.d = d;
    }

    /** {@code pv_inject_page_fault(ec, cr2)} (3.1: {@code propagate_page_fault}). */
    @XenFunction(symbol = "pv_inject_page_fault",
            file = "xen/arch/x86/include/asm/pv/traps.h; 3.1: xen/arch/x86/traps.c",
            version = "3.1, 4.22",
            formerly = "propagate_page_fault")
    void pvInjectPageFault(PvVcpu v, int errorCode, long cr2) {
        d.trace().call(d.profile().symbol("pv_inject_page_fault"), "cr2", cr2, "ec", Trace.ec(errorCode), "handler",
                v.trapCtxt[Vectors.PF].address());
        pvInjectEvent(v, Vectors.PF, errorCode, cr2);
    }

    /**
     * {@code pv_inject_event} for a hardware exception: trap bounce from {@code trap_ctxt[vector]}; for #PF, CR2 into
     * {@code ctrlreg[2]} and {@code vcpu_info.arch.cr2}, the U bit rewritten (set iff the guest was not in kernel
     * mode), TRC_PV_PAGE_FAULT; TBF_INTERRUPT if the trap flags ask for events to be masked. A missing handler is
     * only logged here; {@code create_bounce_frame} crashes the domain.
     *
     * @param errorCode the error code, or null for vectors without one
     */
    @XenFunction(symbol = "pv_inject_event", file = "xen/arch/x86/pv/traps.c", version = "4.22")
    void pvInjectEvent(PvVcpu v, int vector, Integer errorCode, long cr2) {
        TrapInfo ti = v.trapCtxt[vector];
        int flags = TrapBounce.TBF_EXCEPTION;
        Integer ec = errorCode;
        if (vector == Vectors.PF) {
            v.ctrlreg2 = cr2;
            v.vcpuInfoCr2 = cr2; // arch_set_cr2
            if (!d.xen().bug(PvBug.PV_U_BIT)) {
                ec &= ~PfErrorCode.U;
                if (!guestKernelMode(v)) {
                    ec |= PfErrorCode.U;
                }
            }
            d.pvTrace().pageFault(v.rip, cr2, ec);
        } else {
            d.pvTrace().trap(vector, v.rip, ec != null, ec == null ? 0 : ec);
        }
        if (ec != null) {
            flags |= TrapBounce.TBF_EXCEPTION_ERRCODE;
        }
        if (ti.disablesEvents()) {
            flags |= TrapBounce.TBF_INTERRUPT;
        }
        v.trapBounce = new TrapBounce(ec == null ? 0 : ec, flags, ti.cs(), ti.address(), vector);
        String sym = d.profile().symbol("pv_inject_event");
        if (!sym.isEmpty()) {
            d.trace().call(sym, "vector", vector, "ec", vector == Vectors.PF ? Trace.ec(ec)
                : (ec == null ? "-" : "0x" + Integer.toHexString(ec)), "handler", ti.address(), "cs",
                "0x" + Integer.toHexString(ti.cs()), "flags", flags);
        }
        if (nullTrapBounce(v.trapBounce)) {
            d.trace().note("Unhandled: vec " + vector + ", " + Vectors.mnemonic(vector) + "["
                    + (ec == null ? "-" : String.format("%04x", ec)) + "] (no handler registered)");
        }
    }

    /** {@code null_trap_bounce}: 64-bit: no handler address; 32-bit: a null code selector. */
    boolean nullTrapBounce(TrapBounce tb) {
        return d.pv32() ? (tb.cs() & ~3) == 0 : tb.eip() == 0;
    }

    /** {@code guest_kernel_mode} on the outermost guest frame. */
    boolean guestKernelMode(PvVcpu v) {
        return d.pv32() ? (v.cs & 3) == 1 : (v.cs & 3) == 3 && v.kernelMode;
    }
}
