/**
 * The independent reference model of one x86 page walk (docs/walk-service.md), written from the tables of
 * ../shared/reference/x86-paging.md §1.0–§1.1h as decision tables, never from the simulator's code.
 *
 * <p>Layout, one class per table:
 * <ul>
 *   <li>{@link xpf.conformance.reference.Level}: §1.1a, the levels of each mode, which VA bits index them, when an
 *       entry is a leaf, and how its address field is read;</li>
 *   <li>{@link xpf.conformance.reference.ReservedBitTable}: §1.1b, the reserved-bit masks keyed by
 *       (level, leaf or not), each row a union of named terms;</li>
 *   <li>{@link xpf.conformance.reference.RightsTable}: §1.1c, rows (access class × kinds × page class → deny
 *       condition) plus the protection-key rows;</li>
 *   <li>{@link xpf.conformance.reference.ErrorCodeRule}: §1.1d, the error-code bits;</li>
 *   <li>{@link xpf.conformance.reference.AccessedDirtyRule}: §1.1e, the strict A/D model;</li>
 *   <li>{@link xpf.conformance.reference.UsedEntries}: the list of entries a walk reads, computed first;</li>
 *   <li>{@link xpf.conformance.reference.ReferenceWalk}: the evaluation order of docs/walk-service.md, gluing the
 *       tables together.</li>
 * </ul>
 * This package may import only {@code java.*} and {@code xpf.model.*} (ReferenceIndependenceTest).
 */
package xpf.conformance.reference;
