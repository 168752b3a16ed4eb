package xpf.sim.xen.hvm;

import xpf.sim.x86.NestedPaging;

/**
 * Why the hardware left the guest, before the architecture encodes it into VMCB or VMCS fields. Each carries the
 * event that was being delivered when it happened ({@code idtVectoring}, null if none): SVM reports it in
 * EXITINTINFO, VMX in the IDT-vectoring information.
 */
public sealed interface HwExit {

    HvmEvent idtVectoring();

    /** An intercepted exception: vector, error code, and for #PF the faulting linear address. */
    record Exception(int vector, Integer errorCode, long va, HvmEvent idtVectoring) implements HwExit {
    }

    /** A nested page fault (SVM #VMEXIT(NPF) / VMX EPT violation). */
    record NestedFault(NestedPaging.NestedFault fault, HvmEvent idtVectoring) implements HwExit {
    }

    /** A triple fault (SVM VMEXIT_SHUTDOWN / VMX exit reason 2). */
    record Shutdown(HvmEvent idtVectoring) implements HwExit {
    }
}
