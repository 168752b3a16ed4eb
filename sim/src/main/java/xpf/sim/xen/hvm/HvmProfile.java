package xpf.sim.xen.hvm;

import xpf.model.scenario.XenProfile;
import xpf.model.x86.Vectors;
import xpf.sim.xen.mm.PagingProfile;

/**
 * Every difference between the {@code xen-3.1} and {@code xen-4.22} HVM paths, in one place (xen-hvm-fault-path.md
 * §1.5, §2.5, §3.4, §4, §8 last bullet). Decision points consult this object instead of testing the version.
 *
 * @param paging            the memory-management differences (walker and shadow code), see {@link PagingProfile}
 * @param combineExceptions {@code hvm_combine_hw_exceptions} exists (added March 2008, a363bc0ce0); without it a new
 *                          injection overwrites whatever was pending (SVM asserted nothing was pending)
 * @param svmRequeue        how SVM re-queues an event interrupted by the exit (EXITINTINFO)
 * @param vmxRequeue        how VMX re-injects the IDT-vectoring event
 * @param tripleFaultReasonParam {@code hvm_triple_fault} shuts the domain down with the HVM_PARAM_TRIPLE_FAULT_REASON
 *                          reason (since 2013); without it (3.1) always with SHUTDOWN_reboot
 * @param asidFlushAfterFix SVM: every fixed shadow fault assigns a new ASID (a full guest TLB flush)
 * @param hap               hardware-assisted paging exists (NPT/EPT came after 3.1)
 * @param trapMask          {@code HVM_TRAP_MASK}: exceptions always intercepted (#DB and #AC since XSA-156)
 * @param modernTrace       xentrace record layout: modern (ec first, _64 variants, VMENTRY) or 3.1's (TRC_HVM_VMEXIT,
 *                          PF_XEN with va first)
 * @param svmInjectSymbol   the SVM injection function's name in this version
 * @param mmioEmulatesOperands {@code handle_mmio} runs the full emulator ({@code hvm_emulate_one}, hvm/emulate.c,
 *                          2008) on the instruction at RIP, every access at the address the instruction itself
 *                          names; without it (3.1, hvm/platform.c) {@code handle_mmio(gpa)} decodes the instruction
 *                          at RIP, advances RIP and performs its MMIO operand access at the faulting gpa
 */
public record HvmProfile(String name, PagingProfile paging, boolean combineExceptions, Requeue svmRequeue,
        Requeue vmxRequeue, boolean tripleFaultReasonParam, boolean asidFlushAfterFix, boolean hap, int trapMask,
        boolean modernTrace, String svmInjectSymbol, boolean mmioEmulatesOperands) {

    /** When and which interrupted events are put back for re-delivery. */
    public enum Requeue {
        /** In the exit handler, before handling: whatever {@code hvm_event_needs_reinjection} says. */
        EXIT_HANDLER_NEEDS_REINJECTION,
        /** 3.1 SVM: in {@code svm_intr_assist}, external interrupts only; an interrupted exception is dropped. */
        INTR_ASSIST_EXT_INTR_ONLY,
        /** 3.0.4/3.1 VMX: in {@code vmx_intr_assist}, unless Xen injected something itself (then it is dropped). */
        INTR_ASSIST_UNLESS_INJECTED
    }

    private static final int BIT_DB = 1 << Vectors.DB;
    private static final int BIT_AC = 1 << Vectors.AC;
    private static final int BIT_MC = 1 << Vectors.MC;

    /** Xen 3.1 (3.1.0-branched, May 2007): the seed mail's era. */
    public static final HvmProfile XEN_3_1 = new HvmProfile("xen-3.1",
            new PagingProfile("xen-3.1", false, false, false, true, false, false, false, false, false, false, true,
                    false, true, false, true),
            false, Requeue.INTR_ASSIST_EXT_INTR_ONLY, Requeue.INTR_ASSIST_UNLESS_INJECTED, false, true, false, BIT_MC,
            false, "svm_inject_exception", false);

    /** Xen 4.22 (current). */
    public static final HvmProfile XEN_4_22 = new HvmProfile("xen-4.22",
            new PagingProfile("xen-4.22", true, true, true, false, true, true, true, true, true, true, true, true,
                    false, true, false),
            true, Requeue.EXIT_HANDLER_NEEDS_REINJECTION, Requeue.EXIT_HANDLER_NEEDS_REINJECTION, true, false, true,
            BIT_DB | BIT_AC | BIT_MC, true, "svm_inject_event", true);

    public static HvmProfile of(XenProfile p) {
        return switch (p) {
            case XEN_3_1 -> XEN_3_1;
            case XEN_4_22 -> XEN_4_22;
        };
    }

    public Requeue requeue(boolean svm) {
        return svm ? svmRequeue : vmxRequeue;
    }
}
