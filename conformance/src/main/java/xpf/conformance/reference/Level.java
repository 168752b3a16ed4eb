package xpf.conformance.reference;

import xpf.model.x86.CpuConfig;
import xpf.model.x86.PageSizes;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;

/**
 * §1.1a as a table: one row per kind of paging-structure entry. Each row says which linear-address bits index its
 * table, how wide an entry is, when an entry of this kind is a leaf, the page size it maps as a leaf, and how its
 * address field is read. {@link #of(PagingMode)} lists the levels of each mode, root first.
 */
enum Level {
    //            name      VA index bits  entry  leaf when                  leaf page size       address field
    // §1.1a 32-bit: "PDE 31:22, PTE 21:12"; 4 MiB "if CR4.PSE=1 & PDE.PS=1"; addresses [31:12]
    LEGACY_PDE("PDE", 22, 10, 4, LeafWhen.PS_WITH_CR4_PSE, PageSizes.SIZE_4M, AddressField.LEGACY),
    LEGACY_PTE("PTE", 12, 10, 4, LeafWhen.ALWAYS, PageSizes.SIZE_4K, AddressField.LEGACY),
    // §1.1a PAE: "PDPTE 31:30, PDE 29:21, PTE 20:12"; the PDPTE is never a leaf
    PAE_PDPTE("PDPTE", 30, 2, 8, LeafWhen.NEVER, 0, AddressField.MAXPHYADDR),
    PAE_PDE("PDE", 21, 9, 8, LeafWhen.PS, PageSizes.SIZE_2M, AddressField.MAXPHYADDR),
    PAE_PTE("PTE", 12, 9, 8, LeafWhen.ALWAYS, PageSizes.SIZE_4K, AddressField.MAXPHYADDR),
    // §1.1a 4/5-level: "PML5 56:48 then as 4-level: 47:39, 38:30, 29:21, 20:12"; PS in PML5E/PML4E is reserved
    // (so never a leaf); a PDPTE is a 1 GiB leaf only if Page1GB (else its PS is reserved, §1.1b)
    PML5E("PML5E", 48, 9, 8, LeafWhen.NEVER, 0, AddressField.MAXPHYADDR),
    PML4E("PML4E", 39, 9, 8, LeafWhen.NEVER, 0, AddressField.MAXPHYADDR),
    PDPTE("PDPTE", 30, 9, 8, LeafWhen.PS_WITH_PAGE1GB, PageSizes.SIZE_1G, AddressField.MAXPHYADDR),
    PDE("PDE", 21, 9, 8, LeafWhen.PS, PageSizes.SIZE_2M, AddressField.MAXPHYADDR),
    PTE("PTE", 12, 9, 8, LeafWhen.ALWAYS, PageSizes.SIZE_4K, AddressField.MAXPHYADDR);

    /** When an entry with P=1 ends the walk as a leaf (§1.1a "Leaf page sizes", walk-service.md step 3). */
    enum LeafWhen { ALWAYS, NEVER, PS, PS_WITH_CR4_PSE, PS_WITH_PAGE1GB }

    /** How the address field is read: [31:12] in 32-bit paging, [M-1:12] otherwise (§1.1a, walk-service step 3). */
    enum AddressField { LEGACY, MAXPHYADDR }

    static final long PS = 1L << 7;

    private static final Level[] LEGACY2_LEVELS = {LEGACY_PDE, LEGACY_PTE};
    private static final Level[] PAE_LEVELS = {PAE_PDPTE, PAE_PDE, PAE_PTE};
    private static final Level[] LONG4_LEVELS = {PML4E, PDPTE, PDE, PTE};
    private static final Level[] LONG5_LEVELS = {PML5E, PML4E, PDPTE, PDE, PTE};

    final String entryName;
    final int indexLowBit;
    final int indexBits;
    final int entryBytes;
    final LeafWhen leafWhen;
    /** Page size when this entry is the leaf; 0 if it never is. */
    final long leafSize;
    final AddressField addressField;

    Level(String entryName, int indexLowBit, int indexBits, int entryBytes, LeafWhen leafWhen, long leafSize,
            AddressField addressField) {
        this.entryName = entryName;
        this.indexLowBit = indexLowBit;
        this.indexBits = indexBits;
        this.entryBytes = entryBytes;
        this.leafWhen = leafWhen;
        this.leafSize = leafSize;
        this.addressField = addressField;
    }

    /** The levels of a mode, root first (§1.1a "Levels (root→leaf)"). The returned array must not be modified. */
    static Level[] of(PagingMode mode) {
        return switch (mode) {
            case LEGACY2 -> LEGACY2_LEVELS;
            case PAE -> PAE_LEVELS;
            case LONG4 -> LONG4_LEVELS;
            case LONG5 -> LONG5_LEVELS;
        };
    }

    /** The index into this level's table selected by the linear address. */
    long index(long va) {
        return (va >>> indexLowBit) & ((1L << indexBits) - 1);
    }

    /** Entry address = table base | index × entry size (§1.1a). */
    long entryAddress(long tableBase, long va) {
        return tableBase | (index(va) * entryBytes);
    }

    /** Whether a present entry of this kind is the leaf (§1.1a; PS of PML4E/PML5E is reserved, not a leaf). */
    boolean isLeaf(long entry, PagingControls c, CpuConfig cpu) {
        boolean ps = (entry & PS) != 0;
        return switch (leafWhen) {
            case ALWAYS -> true;
            case NEVER -> false;
            case PS -> ps;
            case PS_WITH_CR4_PSE -> ps && c.cr4Pse();       // CR4.PSE=0: "PS ignored"
            case PS_WITH_PAGE1GB -> ps && cpu.page1gb();    // !Page1GB: PS is a reserved bit instead
        };
    }

    /** The next table's base, from a non-leaf entry: [31:12] (32-bit paging) or [M-1:12]. */
    long nextTableBase(long entry, int maxPhyAddr) {
        return switch (addressField) {
            case LEGACY -> entry & 0xFFFF_F000L;
            case MAXPHYADDR -> entry & lowBits(maxPhyAddr) & ~0xFFFL;
        };
    }

    /**
     * The physical base of the page a leaf maps (§1.1a "Final PA = leaf address field | LA offset bits"). For the
     * 32-bit 4 MiB page: PA[31:22] = PDE[31:22], PA[39:32] = PDE[20:13] (PSE-36); bits above min(40, M) are reserved
     * and have been checked before this is called.
     */
    long leafFrame(long entry, int maxPhyAddr) {
        if (this == LEGACY_PDE) {
            return (entry & 0xFFC0_0000L) | (((entry >>> 13) & 0xFFL) << 32);
        }
        long field = addressField == AddressField.LEGACY ? entry & 0xFFFF_FFFFL : entry & lowBits(maxPhyAddr);
        return field & ~(leafSize - 1);
    }

    /** Bits n-1:0 set. */
    static long lowBits(int n) {
        return n >= 64 ? -1L : (1L << n) - 1;
    }
}
