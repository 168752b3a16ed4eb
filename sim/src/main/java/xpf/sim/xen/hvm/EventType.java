package xpf.sim.xen.hvm;

/**
 * Xen's event types {@code X86_ET_*} (asm/x86-defns.h; xen-hvm-fault-path.md §1.2), which are also the type field
 * (bits 10:8) of SVM's EVENTINJ/EXITINTINFO and VMX's interruption information.
 */
public enum EventType {
    EXT_INTR(0, "ext_intr"),
    NMI(2, "nmi"),
    HW_EXC(3, "hw_exc"),
    SW_INT(4, "sw_int"),
    PRIV_SW_EXC(5, "priv_sw_exc"),
    SW_EXC(6, "sw_exc"),
    OTHER(7, "other");

    private final int value;
    private final String wireName;

    EventType(int value, String wireName) {
        this.value = value;
        this.wireName = wireName;
    }

    public int value() {
        return value;
    }

    public String wireName() {
        return wireName;
    }

    public static EventType of(int value) {
        for (EventType t : values()) {
            if (t.value == value) {
                return t;
            }
        }
        return OTHER;
    }

    public static EventType fromWire(String s) {
        for (EventType t : values()) {
            if (t.wireName.equals(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown event type '" + s
                + "' (expected ext_intr, nmi, hw_exc, sw_int, priv_sw_exc, sw_exc)");
    }
}
