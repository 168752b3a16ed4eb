package xpf.sim.xen.hvm.svm;

import xpf.sim.xen.hvm.EventType;
import xpf.sim.xen.hvm.HvmEvent;

/**
 * SVM's {@code intinfo_t}, the 64-bit layout of both EVENTINJ and EXITINTINFO (xen-hvm-fault-path.md §1.2): vector
 * bits 7:0, type bits 10:8 (0 external interrupt, 2 NMI, 3 exception, 4 software interrupt), EV (error code valid)
 * bit 11, bits 30:12 reserved, V (valid) bit 31, error code bits 63:32.
 */
public record IntInfo(int vector, int type, boolean ev, boolean valid, int errorCode) {

    public static final int TYPE_INTR = 0;
    public static final int TYPE_NMI = 2;
    public static final int TYPE_EXCEPTION = 3;
    public static final int TYPE_SOFT_INT = 4;

    public static final IntInfo NONE = new IntInfo(0, 0, false, false, 0);

    public long encode() {
        return (vector & 0xFFL) | ((long) (type & 7) << 8) | (ev ? 1L << 11 : 0) | (valid ? 1L << 31 : 0)
                | (Integer.toUnsignedLong(errorCode) << 32);
    }

    public static IntInfo decode(long raw) {
        return new IntInfo((int) (raw & 0xFF), (int) ((raw >>> 8) & 7), (raw & (1L << 11)) != 0,
                (raw & (1L << 31)) != 0, (int) (raw >>> 32));
    }

    /**
     * The EVENTINJ encoding of an event: SVM has no types 5/6, so privileged and plain software exceptions
     * (ICEBP, INT3/INTO) are injected as type 3 (§1.2).
     */
    public static IntInfo of(HvmEvent e) {
        int type = switch (e.type()) {
            case EXT_INTR -> TYPE_INTR;
            case NMI -> TYPE_NMI;
            case SW_INT -> TYPE_SOFT_INT;
            case HW_EXC, PRIV_SW_EXC, SW_EXC, OTHER -> TYPE_EXCEPTION;
        };
        return new IntInfo(e.vector(), type, e.errorCode() != null, true, e.errorCode() == null ? 0 : e.errorCode());
    }

    /** The event this describes (null if not valid). */
    public HvmEvent event(Long cr2) {
        if (!valid) {
            return null;
        }
        return new HvmEvent(vector, EventType.of(type), ev ? errorCode : null, cr2);
    }
}
