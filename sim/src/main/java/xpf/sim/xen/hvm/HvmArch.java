package xpf.sim.xen.hvm;

import java.util.SequencedMap;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Knobs;
import xpf.sim.trace.Trace;

/**
 * The architecture-specific half of an HVM vCPU (SVM's VMCB, VMX's VMCS) with the functions Xen reaches through
 * {@code hvm_funcs} ({@code inject_event}, {@code event_pending}) and the resume loop of each architecture's entry
 * code. The common half ({@code paging_fault}, {@code hvm_inject_page_fault}, {@code hvm_combine_hw_exceptions},
 * {@code hvm_hap_nested_page_fault}, {@code hvm_triple_fault}) lives in this package and is shared, as in Xen ("replace
 * SVM with VMX").
 */
public abstract class HvmArch {

    protected final HvmVcpu v;

    protected HvmArch(HvmVcpu v) {
        this.v = v;
    }

    public abstract boolean svm();

    /**
     * {@code hvm_funcs.inject_event}: {@code svm_inject_event} / {@code vmx_inject_event}.
     *
     * @return the event actually written to EVENTINJ / VM-entry information (after any combination)
     */
    public abstract HvmEvent injectEvent(HvmEvent e, Trace t);

    /** {@code hvm_funcs.event_pending}: EVENTINJ.V / VM_ENTRY_INTR_INFO valid. */
    public abstract boolean eventPending();

    /** Whether the hardware exits on exception {@code vector} with error code {@code ec}. */
    public abstract boolean intercepts(int vector, int ec);

    /** The CR2 the guest sees while it runs (VMCB CR2; on VMX the hardware %cr2 Xen loads before entry). */
    public abstract long guestVisibleCr2();

    /** The processor writes CR2 for a #PF it delivers without an exit (HAP). */
    public abstract void hardwareWritesCr2(long cr2);

    /** Runs the vCPU from the resume path until the step's instruction is finished (VMRUN / VMRESUME loop). */
    public abstract void run(GuestAccess insn, Knobs knobs, StepLog log, Trace t);

    /** The raw injection fields an {@code injected} outcome shows ({@code event.<name>}). */
    public abstract SequencedMap<String, Long> eventFields();

    /** Every VMCB / VMCS field of the model, by name (a plain-data view). */
    public abstract SequencedMap<String, Long> fields();

    /**
     * Xen's per-vCPU software state of the architecture half that outlives an exit (the 3.1 resume path's deferred
     * re-queue), by name, for the plain-data view. Empty when there is none.
     */
    public SequencedMap<String, Long> xenState() {
        return new java.util.LinkedHashMap<>();
    }
}
