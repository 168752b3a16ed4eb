package xpf.sim.x86;

import xpf.model.x86.Vectors;

/** SDM Table 6-4 exception classes, as listed in x86-paging.md §1.1g. */
@Rule("1.1g")
public enum ExceptionClass {
    BENIGN, CONTRIBUTORY, PAGE_FAULT, DOUBLE_FAULT;

    /** Class of a hardware exception vector. #CP (21) is contributory in newer SDMs [MEM]; #VE is a page fault. */
    public static ExceptionClass of(int vector) {
        return switch (vector) {
            case Vectors.DE, Vectors.TS, Vectors.NP, Vectors.SS, Vectors.GP, Vectors.CP -> CONTRIBUTORY;
            case Vectors.PF, Vectors.VE -> PAGE_FAULT;
            case Vectors.DF -> DOUBLE_FAULT;
            default -> BENIGN;
        };
    }
}
