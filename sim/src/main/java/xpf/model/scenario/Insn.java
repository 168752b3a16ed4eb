package xpf.model.scenario;

import java.util.Locale;

/**
 * The instruction form of a guest write, which matters when Xen emulates it (PV ptwr and HVM shadow emulation only
 * handle memory-writing instructions of certain widths; xen-pv-fault-path.md §3.2).
 */
public enum Insn {
    /** A plain MOV of {@code size} bytes (1, 2, 4, 8). */
    MOV,
    /** CMPXCHG with the compare value in {@code compare}. */
    CMPXCHG,
    /** XCHG (implicitly locked read-modify-write). */
    XCHG,
    /** LOCK OR (read-modify-write). */
    LOCK_OR,
    /** A 16-byte SSE store (MOVDQU): wider than any PTE. */
    MOVDQU,
    /** An instruction that reads memory only (for reads and fetches). */
    LOAD;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Insn fromWire(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown instruction '" + s
                    + "' (expected mov, cmpxchg, xchg, lock_or, movdqu, load)", e);
        }
    }
}
