package xpf.sim.xen.hvm.vmx;

import java.util.LinkedHashMap;
import java.util.SequencedMap;

/**
 * The VMCS fields the #PF path uses (xen-hvm-fault-path.md §2.2, asm/hvm/vmx/vmcs.h encodings in brackets):
 * {@code EXCEPTION_BITMAP} [0x4004], {@code PAGE_FAULT_ERROR_CODE_MASK} [0x4006] / {@code _MATCH} [0x4008],
 * {@code VM_ENTRY_INTR_INFO} [0x4016], {@code VM_ENTRY_EXCEPTION_ERROR_CODE} [0x4018],
 * {@code VM_ENTRY_INSTRUCTION_LEN} [0x401A], {@code VM_EXIT_REASON} [0x4402], {@code VM_EXIT_INTR_INFO} [0x4404],
 * {@code VM_EXIT_INTR_ERROR_CODE} [0x4406], {@code IDT_VECTORING_INFO} [0x4408], {@code IDT_VECTORING_ERROR_CODE}
 * [0x440A], {@code EXIT_QUALIFICATION} [0x6400], {@code GUEST_LINEAR_ADDRESS} [0x640A],
 * {@code GUEST_PHYSICAL_ADDRESS} [0x2400], {@code GUEST_INTERRUPTIBILITY_INFO} [0x4824], plus the hardware %cr2
 * (VMX does not switch CR2: Xen keeps the guest's in software and loads it before entry) and the EPT enable.
 */
public final class Vmcs {
    public long exceptionBitmap;
    public long pfecMask;
    public long pfecMatch;
    public boolean eptEnable;
    public long entryIntrInfo;
    public long entryErrorCode;
    public long entryInstructionLen;
    public long exitReason;
    public long exitIntrInfo;
    public long exitIntrErrorCode;
    public long idtVectoringInfo;
    public long idtVectoringErrorCode;
    public long exitQualification;
    public long guestLinearAddress;
    public long guestPhysicalAddress;
    public long guestInterruptibility;
    /** VM-instruction error [0x4400] of the last failed VM entry. */
    public long vmInstructionError;
    /** The processor's %cr2 while the guest runs. */
    public long hwCr2;

    public SequencedMap<String, Long> fields() {
        SequencedMap<String, Long> m = new LinkedHashMap<>();
        m.put("exception_bitmap", exceptionBitmap);
        m.put("pfec_mask", pfecMask);
        m.put("pfec_match", pfecMatch);
        m.put("ept_enable", eptEnable ? 1L : 0L);
        m.put("entry_intr_info", entryIntrInfo);
        m.put("entry_error_code", entryErrorCode);
        m.put("entry_instruction_len", entryInstructionLen);
        m.put("exit_reason", exitReason);
        m.put("exit_intr_info", exitIntrInfo);
        m.put("exit_intr_error_code", exitIntrErrorCode);
        m.put("idt_vectoring_info", idtVectoringInfo);
        m.put("idt_vectoring_error_code", idtVectoringErrorCode);
        m.put("exit_qualification", exitQualification);
        m.put("guest_linear_address", guestLinearAddress);
        m.put("guest_physical_address", guestPhysicalAddress);
        m.put("guest_interruptibility", guestInterruptibility);
        m.put("vm_instruction_error", vmInstructionError);
        m.put("hw_cr2", hwCr2);
        return m;
    }
}
