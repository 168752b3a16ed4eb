package xpf.conformance.reference.xen;

/**
 * The two exception-combination tables of the model, as data.
 * <ul>
 *   <li>{@link XenRow}: Xen's {@code hvm_combine_hw_exceptions(vec1 = pending, vec2 = new)} (xen-hvm-fault-path.md
 *       §4, tag {@code hvm.4}), used when Xen injects over a pending hardware exception;</li>
 *   <li>{@link SdmRow}: the processor's own rule, SDM Table 6-5 (x86-paging.md §1.1g, tag {@code 1.1g}), used when a
 *       fault that is not intercepted happens while the processor delivers an event.</li>
 * </ul>
 */
final class ExceptionCombination {

    /** What combining gives. */
    enum Result { SECOND, DOUBLE_FAULT, TRIPLE_FAULT, SERIAL }

    /** §1.1g classes: contributory {#DE, #TS, #NP, #SS, #GP}; page-fault class {#PF, #VE}; the rest benign. */
    static boolean contributory(int v) {
        return v == 0 || v == 10 || v == 11 || v == 12 || v == 13;
    }

    static boolean pageFaultClass(int v) {
        return v == 14 || v == 20;
    }

    /** §4 table, rows in order; the first row whose condition holds decides. */
    enum XenRow {
        // "#DF (8) | anything | hvm_triple_fault() then returns #DF as a dummy"
        DF_THEN_ANY(Result.TRIPLE_FAULT) {
            boolean applies(int v1, int v2) {
                return v1 == 8;
            }
        },
        // "page-fault class {#PF 14, #VE 20} | anything | #DF"
        PF_THEN_ANY(Result.DOUBLE_FAULT) {
            boolean applies(int v1, int v2) {
                return pageFaultClass(v1);
            }
        },
        // "benign (not in contributory set) | anything | vec2 (first discarded)"
        BENIGN_THEN_ANY(Result.SECOND) {
            boolean applies(int v1, int v2) {
                return !contributory(v1);
            }
        },
        // "contributory | page-fault class | vec2"
        CONTRIBUTORY_THEN_PF(Result.SECOND) {
            boolean applies(int v1, int v2) {
                return pageFaultClass(v2);
            }
        },
        // "contributory | contributory | #DF" (the function assumes vec2 is contributory or #PF)
        CONTRIBUTORY_THEN_OTHER(Result.DOUBLE_FAULT) {
            boolean applies(int v1, int v2) {
                return true;
            }
        };

        final Result result;

        /** The rows in order, shared (an enum's {@code values()} copies its array on every call). */
        static final XenRow[] IN_ORDER = values();

        XenRow(Result result) {
            this.result = result;
        }

        abstract boolean applies(int vec1, int vec2);

        static XenRow of(int vec1, int vec2) {
            for (XenRow r : IN_ORDER) {
                if (r.applies(vec1, vec2)) {
                    return r;
                }
            }
            throw new IllegalStateException();
        }
    }

    /** SDM Table 6-5 as rows: (class of the first event, class of the second) → result. */
    enum SdmRow {
        CONTRIBUTORY_CONTRIBUTORY(Cls.CONTRIBUTORY, Cls.CONTRIBUTORY, Result.DOUBLE_FAULT),
        PF_CONTRIBUTORY(Cls.PAGE_FAULT, Cls.CONTRIBUTORY, Result.DOUBLE_FAULT),
        PF_PF(Cls.PAGE_FAULT, Cls.PAGE_FAULT, Result.DOUBLE_FAULT),
        DF_CONTRIBUTORY(Cls.DOUBLE_FAULT, Cls.CONTRIBUTORY, Result.TRIPLE_FAULT),
        DF_PF(Cls.DOUBLE_FAULT, Cls.PAGE_FAULT, Result.TRIPLE_FAULT),
        /** Every other pair: "serial (deliver 2nd)". */
        OTHERWISE(null, null, Result.SERIAL);

        final Cls first;
        final Cls second;
        final Result result;

        /** The rows in order, shared (an enum's {@code values()} copies its array on every call). */
        static final SdmRow[] IN_ORDER = values();

        SdmRow(Cls first, Cls second, Result result) {
            this.first = first;
            this.second = second;
            this.result = result;
        }

        static SdmRow of(HvmEvent first, int secondVector) {
            Cls a = Cls.of(first);
            Cls b = Cls.of(secondVector);
            for (SdmRow r : IN_ORDER) {
                if (r.first == null || (r.first == a && r.second == b)) {
                    return r;
                }
            }
            throw new IllegalStateException();
        }
    }

    /** The §1.1g classes, plus #DF as a first event. Interrupts, NMIs and software events count as benign. */
    enum Cls {
        BENIGN, CONTRIBUTORY, PAGE_FAULT, DOUBLE_FAULT;

        static Cls of(HvmEvent e) {
            if (e.type() != HvmEvent.HW_EXC) {
                return BENIGN;
            }
            return of(e.vector());
        }

        static Cls of(int v) {
            if (v == 8) {
                return DOUBLE_FAULT;
            }
            if (contributory(v)) {
                return CONTRIBUTORY;
            }
            return pageFaultClass(v) ? PAGE_FAULT : BENIGN;
        }
    }

    private ExceptionCombination() {
    }
}
