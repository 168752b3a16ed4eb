package xpf.sim.xen.hvm;

import java.util.Set;
import xpf.model.x86.Vectors;
import xpf.sim.xen.XenFunction;

/**
 * Xen's common HVM exception rules (xen/arch/x86/hvm/hvm.c; xen-hvm-fault-path.md §1.3 step 6, §1.4 step 1, §4).
 * {@link #hvmCombineHwExceptions} is Xen's software combination, deliberately kept apart from the SDM Table 6-5 of
 * {@code xpf.sim.x86.SdmExceptionCombiner}: it assumes the new exception is contributory or a page fault, so a
 * benign one after a #PF still yields #DF where the SDM delivers it serially.
 */
public final class HvmExceptions {

    /** {@code X86_EXC_HAVE_EC}: the vectors that push an error code. */
    public static final Set<Integer> HAVE_EC = Set.of(8, 10, 11, 12, 13, 14, 17, 21, 29, 30);

    private static final Set<Integer> CONTRIBUTORY = Set.of(Vectors.DE, Vectors.TS, Vectors.NP, Vectors.SS,
            Vectors.GP);

    /** What the combination decided: the vector to inject, and whether a triple fault was raised on the way. */
    public record Combined(int vector, boolean tripleFault) {
    }

    private HvmExceptions() {
    }

    /**
     * {@code hvm_combine_hw_exceptions(vec1 = being delivered, vec2 = new)}: #DF first → triple fault (and #DF is
     * returned as a dummy); page-fault class {#PF, #VE} first → #DF; benign first → vec2; contributory first and a
     * page fault → vec2; contributory and contributory → #DF.
     */
    @XenFunction(symbol = "hvm_combine_hw_exceptions", file = "xen/arch/x86/hvm/hvm.c", version = "4.22")
    public static Combined hvmCombineHwExceptions(int vec1, int vec2) {
        if (vec1 == Vectors.DF) {
            return new Combined(Vectors.DF, true);
        }
        if (vec1 == Vectors.PF || vec1 == Vectors.VE) {
            return new Combined(Vectors.DF, false);
        }
        if (!CONTRIBUTORY.contains(vec1) || vec2 == Vectors.PF || vec2 == Vectors.VE) {
            return new Combined(vec2, false);
        }
        return new Combined(Vectors.DF, false);
    }

    /**
     * {@code hvm_event_needs_reinjection(type, vector)}: external interrupts and NMIs yes; hardware exceptions yes,
     * except #BP and #OF (SVM labels INT3/INTO as type 3 without advancing RIP); software events no (the instruction
     * re-executes).
     */
    @XenFunction(symbol = "hvm_event_needs_reinjection", file = "xen/arch/x86/hvm/hvm.c", version = "4.22")
    public static boolean hvmEventNeedsReinjection(EventType type, int vector) {
        return switch (type) {
            case EXT_INTR, NMI -> true;
            case HW_EXC -> vector != Vectors.BP && vector != Vectors.OF;
            default -> false;
        };
    }
}
