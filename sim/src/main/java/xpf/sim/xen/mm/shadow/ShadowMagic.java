package xpf.sim.xen.mm.shadow;

import xpf.sim.x86.EntryBits;

/**
 * The "magic" shadow l1es of the fast fault path (xen-hvm-fault-path.md §3.3; {@code sh_l1e_mmio}, {@code sh_l1e_gnp}
 * in shadow/types.h): present entries with reserved high bits, so that any access faults with RSVD|P and Xen can
 * decide without walking the guest's tables.
 * <ul>
 *   <li>magic mask: bits 36..63 plus P (the non-BIGMEM layout);</li>
 *   <li>MMIO: magic, bit 3 clear, the gfn in bits 4..35, U/RW copied from the guest;</li>
 *   <li>guest-not-present ("gnp"): all ones. Only the 2007 code (OOS compiled out) produces it.</li>
 * </ul>
 * The MMIO magic needs a reserved address bit between MAXPHYADDR and 51; with MAXPHYADDR 52 Xen falls back to an
 * empty entry (every MMIO access then takes the slow path, F18). XSA-273's L1TF-safety condition is not modelled.
 */
public final class ShadowMagic {
    public static final long MAGIC_MASK = EntryBits.bits(63, 36) | EntryBits.P;
    public static final long GNP = -1L;
    private static final long MMIO_GFN_MASK = EntryBits.bits(35, 4);
    private static final long MMIO_MASK = MAGIC_MASK | EntryBits.PWT; // bit 3 must be clear for MMIO

    private ShadowMagic() {
    }

    public static boolean isMagic(long sl1e) {
        return (sl1e & MAGIC_MASK) == MAGIC_MASK;
    }

    public static boolean isGnp(long sl1e) {
        return sl1e == GNP;
    }

    public static boolean isMmio(long sl1e) {
        return (sl1e & MMIO_MASK) == MAGIC_MASK;
    }

    /** {@code sh_l1e_mmio(gfn, gflags)}: gfn in bits 4..35, U/RW of the guest entry. */
    public static long mmio(long gfn, boolean user, boolean writable) {
        return MAGIC_MASK | ((gfn << 4) & MMIO_GFN_MASK) | (user ? EntryBits.US : 0) | (writable ? EntryBits.RW : 0);
    }

    public static long mmioGfn(long sl1e) {
        return (sl1e & MMIO_GFN_MASK) >>> 4;
    }

    /** Whether the machine has a reserved physical-address bit the magic can use (MAXPHYADDR below 52). */
    public static boolean usable(int maxPhyAddr) {
        return maxPhyAddr < 52;
    }
}
