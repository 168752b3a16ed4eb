package xpf.model.x86;

/**
 * The four paging modes of x86-paging.md §1.1a, named as in the walk-service contract.
 * {@link #entryBytes()} is part of the data format (how wide a memory entry of a case is), not walk logic.
 */
public enum PagingMode {
    /** 32-bit paging: CR0.PG=1, CR4.PAE=0. */
    LEGACY2("legacy2", 4),
    /** PAE paging: CR4.PAE=1, EFER.LMA=0. */
    PAE("pae", 8),
    /** 4-level paging: EFER.LMA=1, CR4.LA57=0. */
    LONG4("long4", 8),
    /** 5-level paging: EFER.LMA=1, CR4.LA57=1. */
    LONG5("long5", 8);

    private final String wireName;
    private final int entryBytes;

    PagingMode(String wireName, int entryBytes) {
        this.wireName = wireName;
        this.entryBytes = entryBytes;
    }

    public String wireName() {
        return wireName;
    }

    /** Width of one paging-structure entry in memory: 4 bytes in 32-bit paging, else 8. */
    public int entryBytes() {
        return entryBytes;
    }

    public static PagingMode fromWire(String s) {
        for (PagingMode m : values()) {
            if (m.wireName.equals(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown paging mode '" + s + "' (expected legacy2, pae, long4 or long5)");
    }
}
