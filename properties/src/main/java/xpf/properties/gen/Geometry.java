package xpf.properties.gen;

import xpf.model.x86.PagingMode;

/**
 * The table geometry of each paging mode, as the generators need it to lay out page-table forests: how many levels,
 * which linear-address bits index each level, how wide an entry is. Written here (not taken from the simulator) so
 * that the generators do not share a mistake with the thing they test. Depth 0 is the root (CR3's table).
 */
public final class Geometry {

    /** Entry flag bits (x86-paging.md §1.1a). */
    public static final long P = 1L;
    public static final long RW = 1L << 1;
    public static final long US = 1L << 2;
    public static final long PWT = 1L << 3;
    public static final long PCD = 1L << 4;
    public static final long A = 1L << 5;
    public static final long D = 1L << 6;
    public static final long PS = 1L << 7;
    public static final long G = 1L << 8;
    public static final long NX = 1L << 63;

    private Geometry() {
    }

    /** Number of table levels the mode walks (PAE: PDPT, PD, PT). */
    public static int levels(PagingMode m) {
        return switch (m) {
            case LEGACY2 -> 2;
            case PAE -> 3;
            case LONG4 -> 4;
            case LONG5 -> 5;
        };
    }

    /** The lowest linear-address bit that indexes the table at {@code depth}. */
    public static int shift(PagingMode m, int depth) {
        int levels = levels(m);
        int fromLeaf = levels - 1 - depth;
        return m == PagingMode.LEGACY2 ? 12 + 10 * fromLeaf : 12 + 9 * fromLeaf;
    }

    /** Index bits of the table at {@code depth} (PAE's PDPT: 2; 32-bit paging: 10; otherwise 9). */
    public static int indexBits(PagingMode m, int depth) {
        if (m == PagingMode.LEGACY2) {
            return 10;
        }
        if (m == PagingMode.PAE && depth == 0) {
            return 2;
        }
        return 9;
    }

    public static int index(PagingMode m, long va, int depth) {
        return (int) ((va >>> shift(m, depth)) & ((1L << indexBits(m, depth)) - 1));
    }

    /** Bytes mapped by one entry at {@code depth}. */
    public static long span(PagingMode m, int depth) {
        return 1L << shift(m, depth);
    }

    /** Whether a leaf (PS=1) may sit at {@code depth} in this mode, given 1 GiB page support. */
    public static boolean largeLeafAllowed(PagingMode m, int depth, boolean page1g) {
        int fromLeaf = levels(m) - 1 - depth;
        return switch (m) {
            case LEGACY2, PAE -> fromLeaf == 1;
            case LONG4, LONG5 -> fromLeaf == 1 || (fromLeaf == 2 && page1g);
        };
    }

    /** The address bits of a leaf at {@code depth} mapping {@code frame} (PS added for large leaves). */
    public static long leafAddress(PagingMode m, int depth, long frame) {
        long addr = frame << 12;
        if (depth == levels(m) - 1) {
            return addr;
        }
        if (m == PagingMode.LEGACY2) {
            // 4 MiB PDE: PA[31:22] in place, PA[39:32] in bits 20:13 (PSE-36).
            addr = (addr & 0xFFC00000L) | (((addr >>> 32) & 0xFF) << 13);
        }
        return addr | PS;
    }

    /** Whether the linear address is canonical for the mode (32-bit modes: every 32-bit address). */
    public static boolean canonical(PagingMode m, long va) {
        int top = switch (m) {
            case LONG4 -> 47;
            case LONG5 -> 56;
            case LEGACY2, PAE -> -1;
        };
        if (top < 0) {
            return (va >>> 32) == 0;
        }
        long upper = va >> top;
        return upper == 0 || upper == -1;
    }
}
