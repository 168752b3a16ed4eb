package xpf.model.x86;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What happened to a {@link WalkCase}, in the fields of the walk-service contract (docs/walk-service.md).
 *
 * @param fault       true if the access raised an exception
 * @param vector      14 (#PF), 13 (#GP) or 12 (#SS); null on success
 * @param errorCode   the exception's error code (PFEC bits for #PF, 0 for #GP(0)/#SS(0)); null on success
 * @param cr2         the faulting linear address for #PF; null otherwise (#GP/#SS never touch CR2)
 * @param pa          the physical address on success; null on a fault
 * @param pageSize    the leaf's page size on success; null on a fault
 * @param memoryAfter every entry whose value changed (A/D updates), address → new value
 * @param walk        addresses of the paging-structure entries read, in order (PAE includes the PDPTE)
 * @param note        optional human note (not part of equality: see {@link #sameAs})
 */
public record WalkOutcome(
        boolean fault,
        Integer vector,
        Integer errorCode,
        Long cr2,
        Long pa,
        Long pageSize,
        SortedMap<Long, Long> memoryAfter,
        List<Long> walk,
        String note) {

    public WalkOutcome {
        memoryAfter = Collections.unmodifiableSortedMap(new TreeMap<>(memoryAfter == null ? new TreeMap<>() : memoryAfter));
        walk = List.copyOf(walk == null ? List.of() : walk);
    }

    public static WalkOutcome pageFault(int errorCode, long cr2, List<Long> walk, String note) {
        return new WalkOutcome(true, Vectors.PF, errorCode, cr2, null, null, null, walk, note);
    }

    public static WalkOutcome exception(int vector, String note) {
        return new WalkOutcome(true, vector, 0, null, null, null, null, List.of(), note);
    }

    public static WalkOutcome success(long pa, long pageSize, SortedMap<Long, Long> memoryAfter, List<Long> walk,
            String note) {
        return new WalkOutcome(false, null, null, null, pa, pageSize, memoryAfter, walk, note);
    }

    /** Equality on every architectural field; the free-text note is ignored. */
    public boolean sameAs(WalkOutcome o) {
        return o != null && fault == o.fault && Objects.equals(vector, o.vector)
                && Objects.equals(errorCode, o.errorCode) && Objects.equals(cr2, o.cr2) && Objects.equals(pa, o.pa)
                && Objects.equals(pageSize, o.pageSize) && memoryAfter.equals(o.memoryAfter) && walk.equals(o.walk);
    }

    public WalkOutcome withNote(String n) {
        return new WalkOutcome(fault, vector, errorCode, cr2, pa, pageSize, memoryAfter, walk, n);
    }

    /** One line for messages: "#PF(P|W|U) cr2=0x1000" or "ok pa=0x5000 4K". */
    public String summary() {
        return fault ? faultSummary(vector, errorCode, cr2) : successSummary(pa, pageSize);
    }

    /** {@link #summary()} of a walk that succeeded (also for answers kept in other forms). */
    public static String successSummary(long pa, Long pageSize) {
        return "ok pa=0x" + Long.toHexString(pa) + " " + PageSizes.name(pageSize);
    }

    /** {@link #summary()} of a walk that faulted. */
    public static String faultSummary(Integer vector, Integer errorCode, Long cr2) {
        if (vector == Vectors.PF) {
            return "#PF(" + PfErrorCode.symbolic(errorCode) + ") cr2=0x" + Long.toHexString(cr2);
        }
        return Vectors.mnemonic(vector) + "(" + errorCode + ")";
    }
}
