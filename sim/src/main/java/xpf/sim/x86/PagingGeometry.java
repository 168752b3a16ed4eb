package xpf.sim.x86;

import java.util.List;
import xpf.model.x86.PagingMode;

/**
 * How each paging mode decomposes a linear address (x86-paging.md §1.1a): the levels from root to leaf with the
 * position and width of their index, and the entry width.
 */
@Rule("1.1a")
public final class PagingGeometry {

    /** One level: which entry kind, the lowest linear-address bit of its index, and the index width in bits. */
    public record LevelGeometry(EntryLevel level, int shift, int indexBits) {
        public long index(long la) {
            return (la >>> shift) & ((1L << indexBits) - 1);
        }

        /** Size of the region one entry of this level maps. */
        public long span() {
            return 1L << shift;
        }
    }

    private static final List<LevelGeometry> LEGACY2 = List.of(
            new LevelGeometry(EntryLevel.PDE, 22, 10), new LevelGeometry(EntryLevel.PTE, 12, 10));
    private static final List<LevelGeometry> PAE = List.of(
            new LevelGeometry(EntryLevel.PDPTE, 30, 2), new LevelGeometry(EntryLevel.PDE, 21, 9),
            new LevelGeometry(EntryLevel.PTE, 12, 9));
    private static final List<LevelGeometry> LONG4 = List.of(
            new LevelGeometry(EntryLevel.PML4E, 39, 9), new LevelGeometry(EntryLevel.PDPTE, 30, 9),
            new LevelGeometry(EntryLevel.PDE, 21, 9), new LevelGeometry(EntryLevel.PTE, 12, 9));
    private static final List<LevelGeometry> LONG5 = List.of(
            new LevelGeometry(EntryLevel.PML5E, 48, 9), new LevelGeometry(EntryLevel.PML4E, 39, 9),
            new LevelGeometry(EntryLevel.PDPTE, 30, 9), new LevelGeometry(EntryLevel.PDE, 21, 9),
            new LevelGeometry(EntryLevel.PTE, 12, 9));

    private PagingGeometry() {
    }

    public static List<LevelGeometry> levels(PagingMode mode) {
        return switch (mode) {
            case LEGACY2 -> LEGACY2;
            case PAE -> PAE;
            case LONG4 -> LONG4;
            case LONG5 -> LONG5;
        };
    }

    public static boolean ia32e(PagingMode mode) {
        return mode == PagingMode.LONG4 || mode == PagingMode.LONG5;
    }

    /** Linear-address width: 32 in 32-bit and PAE paging, 48 or 57 with IA-32e paging. */
    public static int linearWidth(PagingMode mode) {
        return switch (mode) {
            case LEGACY2, PAE -> 32;
            case LONG4 -> 48;
            case LONG5 -> 57;
        };
    }

    /** §1.1d step 2: in IA-32e modes, bits 63:width-1 must all equal bit width-1. Always true otherwise. */
    @Rule("1.1d")
    public static boolean canonical(PagingMode mode, long la) {
        if (!ia32e(mode)) {
            return true;
        }
        int w = linearWidth(mode);
        return (la >> (w - 1)) == 0 || (la >> (w - 1)) == -1;
    }

    /** The root table's base from CR3: bits 31:12 (32-bit), the PDPT at 31:5 (PAE), bits M-1:12 (IA-32e). */
    public static long rootBase(PagingMode mode, long cr3, int maxPhyAddr) {
        return switch (mode) {
            case LEGACY2 -> cr3 & 0xFFFFF000L;
            case PAE -> cr3 & 0xFFFFFFE0L;
            case LONG4, LONG5 -> cr3 & EntryBits.bits(maxPhyAddr - 1, 12);
        };
    }

    /** The next table's base from a non-leaf entry: bits 31:12 in 32-bit paging, else bits M-1:12. */
    public static long nextTableBase(PagingMode mode, long entry, int maxPhyAddr) {
        return mode == PagingMode.LEGACY2 ? entry & 0xFFFFF000L : entry & EntryBits.bits(maxPhyAddr - 1, 12);
    }
}
