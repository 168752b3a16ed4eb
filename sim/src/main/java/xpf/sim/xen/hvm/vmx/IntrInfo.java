package xpf.sim.xen.hvm.vmx;

import xpf.sim.xen.hvm.EventType;
import xpf.sim.xen.hvm.HvmEvent;

/**
 * VMX's 32-bit interruption-information format, shared by VM-exit interruption information, IDT-vectoring
 * information and VM-entry interruption information (xen-hvm-fault-path.md §2.2): vector bits 7:0
 * ({@code INTR_INFO_VECTOR_MASK}), type bits 10:8 ({@code INTR_INFO_INTR_TYPE_MASK}: 0 ext int, 2 NMI, 3 HW exception,
 * 4 SW int, 5 priv SW exc, 6 SW exc, 7 other), deliver-error-code bit 11, NMI-unblocked-by-IRET bit 12 (exit info
 * only), reserved bits 30:12, valid bit 31. A guest #PF exit and an injected #PF are both {@code 0x80000B0E}.
 */
public record IntrInfo(int vector, int type, boolean deliverErrorCode, boolean valid) {

    public static final int VECTOR_MASK = 0xFF;
    public static final int INTR_TYPE_MASK = 0x700;
    public static final int DELIVER_CODE_MASK = 0x800;
    public static final int NMI_UNBLOCKED_BY_IRET = 0x1000;
    public static final int RESVD_BITS_MASK = 0x7FFFF000;
    public static final int VALID_MASK = 0x80000000;

    public long encode() {
        long v = (vector & VECTOR_MASK) | ((type & 7) << 8) | (deliverErrorCode ? DELIVER_CODE_MASK : 0);
        return valid ? v | 0x80000000L : v;
    }

    public static IntrInfo decode(long raw) {
        return new IntrInfo((int) (raw & VECTOR_MASK), (int) ((raw & INTR_TYPE_MASK) >>> 8),
                (raw & DELIVER_CODE_MASK) != 0, (raw & 0x80000000L) != 0);
    }

    public static IntrInfo of(HvmEvent e) {
        return new IntrInfo(e.vector(), e.type().value(), e.errorCode() != null, true);
    }

    /** The event this describes with its error code (null if not valid). */
    public HvmEvent event(long errorCode, Long cr2) {
        if (!valid) {
            return null;
        }
        return new HvmEvent(vector, EventType.of(type), deliverErrorCode ? (int) errorCode : null, cr2);
    }
}
