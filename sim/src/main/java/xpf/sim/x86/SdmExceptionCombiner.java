package xpf.sim.x86;

import xpf.model.x86.Vectors;

/**
 * What the processor does when a second exception is raised while delivering a first one: SDM Table 6-5 as given in
 * x86-paging.md §1.1g. This is the architecture; Xen's HVM software combination ({@code hvm_combine_hw_exceptions})
 * deliberately differs for a benign second exception after #PF and lives in the HVM package.
 */
@Rule("1.1g")
public final class SdmExceptionCombiner {

    /** The result of combining. */
    public enum Combination {
        /** Deliver the second exception (the first is discarded; it will recur if still pending). */
        SERIAL,
        /** Deliver #DF with error code 0. */
        DOUBLE_FAULT,
        /** Shut down: a fault while delivering #DF. */
        TRIPLE_FAULT
    }

    private SdmExceptionCombiner() {
    }

    public static Combination combine(int firstVector, int secondVector) {
        ExceptionClass first = ExceptionClass.of(firstVector);
        ExceptionClass second = ExceptionClass.of(secondVector);
        return switch (first) {
            case BENIGN -> Combination.SERIAL;
            case CONTRIBUTORY -> second == ExceptionClass.CONTRIBUTORY ? Combination.DOUBLE_FAULT : Combination.SERIAL;
            case PAGE_FAULT -> second == ExceptionClass.BENIGN ? Combination.SERIAL : Combination.DOUBLE_FAULT;
            // #DF being delivered: a benign one is handled serially [MEM]; contributory or #PF shut down.
            case DOUBLE_FAULT -> second == ExceptionClass.BENIGN ? Combination.SERIAL : Combination.TRIPLE_FAULT;
        };
    }

    /** The vector actually delivered after combining (8 for #DF; -1 for a triple fault). */
    public static int deliveredVector(int firstVector, int secondVector) {
        return switch (combine(firstVector, secondVector)) {
            case SERIAL -> secondVector;
            case DOUBLE_FAULT -> Vectors.DF;
            case TRIPLE_FAULT -> -1;
        };
    }
}
