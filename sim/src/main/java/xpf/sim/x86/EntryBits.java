package xpf.sim.x86;

/** Bits of a paging-structure entry (x86-paging.md §1.1a entry-format tables). */
public final class EntryBits {
    public static final long P = 1L;
    public static final long RW = 1L << 1;
    public static final long US = 1L << 2;
    public static final long PWT = 1L << 3;
    public static final long PCD = 1L << 4;
    public static final long A = 1L << 5;
    public static final long D = 1L << 6;
    /** PS in a PDE/PDPTE; PAT in a 4 KiB PTE. */
    public static final long PS = 1L << 7;
    public static final long PAT_4K = 1L << 7;
    public static final long G = 1L << 8;
    /** PAT in a 2 MiB / 1 GiB / 4 MiB leaf. */
    public static final long PAT_LARGE = 1L << 12;
    public static final long XD = 1L << 63;
    public static final int PKEY_SHIFT = 59;

    private EntryBits() {
    }

    /** Bits {@code hi..lo} inclusive set (0 when hi &lt; lo). */
    public static long bits(int hi, int lo) {
        if (hi < lo) {
            return 0;
        }
        long top = hi == 63 ? -1L : (1L << (hi + 1)) - 1;
        return top & ~((1L << lo) - 1);
    }

    /** The protection key of a long-mode leaf: bits 62:59 (§1.1c "the protection key is leaf-only"). */
    public static int pkey(long leaf) {
        return (int) ((leaf >>> PKEY_SHIFT) & 0xF);
    }
}
