package xpf.sim.xen.mm;

/**
 * A frame's type ({@code PGT_*} in asm/mm.h, xen-pv-fault-path.md §4.1). Types are mutually exclusive; a frame's type
 * can change only when its type count is 0.
 */
public enum PageType {
    NONE, L1_PAGE_TABLE, L2_PAGE_TABLE, L3_PAGE_TABLE, L4_PAGE_TABLE, SEG_DESC, SHARED, WRITABLE;

    public boolean pageTable() {
        return this == L1_PAGE_TABLE || this == L2_PAGE_TABLE || this == L3_PAGE_TABLE || this == L4_PAGE_TABLE;
    }

    /** The page-table type of level 1..4. */
    public static PageType pageTable(int level) {
        return switch (level) {
            case 1 -> L1_PAGE_TABLE;
            case 2 -> L2_PAGE_TABLE;
            case 3 -> L3_PAGE_TABLE;
            case 4 -> L4_PAGE_TABLE;
            default -> throw new IllegalArgumentException("no page-table type for level " + level);
        };
    }

    public int level() {
        return switch (this) {
            case L1_PAGE_TABLE -> 1;
            case L2_PAGE_TABLE -> 2;
            case L3_PAGE_TABLE -> 3;
            case L4_PAGE_TABLE -> 4;
            default -> 0;
        };
    }
}
