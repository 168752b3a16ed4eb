package xpf.conformance.reference.xen;

import xpf.model.scenario.EventSpec;

/**
 * An event in flight in the reference model (xen-hvm-fault-path.md §1.2 / §2.2): vector, Xen's {@code X86_ET_*}
 * type, error code (null: none), and where it comes from: a Xen injection (numbered), the step's
 * {@code pending_event} knob, or the processor itself (a guest exception under HAP, a #DF it combined).
 * Re-queuing an event keeps its origin, so a re-delivered injection is still that injection.
 */
record HvmEvent(int vector, int type, Integer errorCode, Origin origin, int injection) {

    /** Xen's {@code X86_ET_*} values (asm/x86-defns.h, §1.2). */
    static final int EXT_INTR = 0;
    static final int NMI = 2;
    static final int HW_EXC = 3;
    static final int SW_INT = 4;
    static final int PRIV_SW_EXC = 5;
    static final int SW_EXC = 6;

    enum Origin { XEN, KNOB, PROCESSOR }

    static HvmEvent hwException(int vector, Integer ec, Origin origin, int injection) {
        return new HvmEvent(vector, HW_EXC, ec, origin, injection);
    }

    static HvmEvent ofKnob(EventSpec e) {
        return new HvmEvent(e.vector(), typeOf(e.type()), e.errorCode(), Origin.KNOB, -1);
    }

    static int typeOf(String wire) {
        return switch (wire) {
            case "ext_intr" -> EXT_INTR;
            case "nmi" -> NMI;
            case "hw_exc" -> HW_EXC;
            case "sw_int" -> SW_INT;
            case "priv_sw_exc" -> PRIV_SW_EXC;
            case "sw_exc" -> SW_EXC;
            default -> throw new IllegalArgumentException("unknown event type " + wire);
        };
    }

    /**
     * Whether delivery is for an event external to the program (EXT bit of #NP/#GP error codes, SDM vol. 3 §6.13:
     * EXT is clear only for a software interrupt, INT n, INT3 or INTO). ICEBP (INT1, {@code PRIV_SW_EXC}) counts as
     * external: XTF tests/swint-emulation/main.c expects {@code icebp} through a not-present IDT entry to raise
     * #NP(EXC_EC_SYM(DB, EXT)) natively and emulated ("icebp count as external, so no dpl check"), and under SVM Xen
     * injects it as EVENTINJ type 3, an exception (xen-hvm-fault-path.md §1.2). Until 27 Nov the reference left EXT
     * clear (findings ext-bit-of-int1-delivery, svm-double-fault-exit-int-info).
     */
    boolean external() {
        return type == EXT_INTR || type == NMI || type == HW_EXC || type == PRIV_SW_EXC;
    }

    /** Software-raised (INT n, INT3/INTO, ICEBP): the IDT gate's DPL is checked. */
    boolean software() {
        return type == SW_INT || type == SW_EXC;
    }

    // ---- encodings ------------------------------------------------------------------------------------------

    /**
     * SVM {@code intinfo_t} (§1.2): vector 7:0, type 10:8 (0 INTR, 2 NMI, 3 exception, 4 INT n; Xen maps its types 5
     * and 6 to 3, §1.2 "SVM has no types 5/6"), EV bit 11, V bit 31, error code 63:32.
     */
    long svmIntInfo() {
        int t = type == PRIV_SW_EXC || type == SW_EXC ? HW_EXC : type;
        long v = (1L << 31) | ((long) t << 8) | (vector & 0xFF);
        if (errorCode != null) {
            v |= (1L << 11) | (Integer.toUnsignedLong(errorCode) << 32);
        }
        return v;
    }

    /** VMX interruption information (§2.2): vector 7:0, type 10:8, deliver-error-code bit 11, valid bit 31. */
    long vmxIntrInfo() {
        long v = (1L << 31) | ((long) type << 8) | (vector & 0xFF);
        if (errorCode != null) {
            v |= 1L << 11;
        }
        return v;
    }

    /** The type an SVM exit reports (types 5/6 read back as 3). */
    HvmEvent asSvmReports() {
        int t = type == PRIV_SW_EXC || type == SW_EXC ? HW_EXC : type;
        return new HvmEvent(vector, t, errorCode, origin, injection);
    }

    /**
     * {@code hvm_event_needs_reinjection} (§1.3 step 6): external interrupts and NMIs yes; hardware exceptions yes
     * unless #BP or #OF (SVM labels INT3/INTO as type 3); software events no (the instruction re-executes).
     */
    boolean needsReinjection() {
        return switch (type) {
            case EXT_INTR, NMI -> true;
            case HW_EXC -> vector != 3 && vector != 4;
            default -> false;
        };
    }

    String describe() {
        String t = switch (type) {
            case EXT_INTR -> "ext_intr";
            case NMI -> "nmi";
            case HW_EXC -> "hw_exc";
            case SW_INT -> "sw_int";
            case PRIV_SW_EXC -> "priv_sw_exc";
            case SW_EXC -> "sw_exc";
            default -> "type" + type;
        };
        return "vector " + vector + " " + t + (errorCode == null ? "" : " ec 0x" + Integer.toHexString(errorCode));
    }
}
