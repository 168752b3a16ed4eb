package xpf.sim.xen.hvm;

import xpf.model.x86.Vectors;

/**
 * An event to inject or in flight ({@code struct x86_event}): vector, type, error code (null = {@code
 * X86_EVENT_NO_EC}) and, for #PF, the CR2 to load.
 */
public record HvmEvent(int vector, EventType type, Integer errorCode, Long cr2) {

    public static HvmEvent hwException(int vector, Integer errorCode) {
        return new HvmEvent(vector, EventType.HW_EXC, errorCode, null);
    }

    public static HvmEvent pageFault(int errorCode, long cr2) {
        return new HvmEvent(Vectors.PF, EventType.HW_EXC, errorCode, cr2);
    }

    public boolean hasErrorCode() {
        return errorCode != null;
    }

    @Override
    public String toString() {
        return Vectors.mnemonic(vector) + "(" + type.wireName() + (errorCode == null ? "" : ", ec=0x"
                + Integer.toHexString(errorCode)) + ")";
    }
}
