package xpf.conformance.matrix;

import static xpf.conformance.matrix.AccessCFlag.*;

import java.util.TreeMap;
import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.Vendor;
import xpf.model.x86.WalkCase;

/**
 * One access.c flag set as a walk case: the same meaning per flag as access.c, with our own fixed layout. Levels above
 * the PDE are present, user and writable (the PDPTE loses R/W with PDPTE_NO_WRITABLE); A/D start clear there, so the
 * strict A/D model is checked on every level, not only on the PTE and PDE as access.c does. PKU_PKEY gives the leaf
 * key 1 and a non-leaf PDE key 2 (ignored by the architecture); PKU_AD/WD set PKRU.AD1/WD1.
 */
public final class AccessCCase {
    /** PML4 index 0, PDPT index 1, PD index 3, PT index 1, offset 0x234. */
    public static final long VA = (1L << 30) | (3L << 21) | (1L << 12) | 0x234;
    static final long PML5 = 0x104000;
    static final long PML4 = 0x100000;
    static final long PDPT = 0x101000;
    static final long PD = 0x102000;
    static final long PT = 0x103000;
    static final long FRAME_4K = 0x200000;
    static final long FRAME_2M = 0x400000;

    private AccessCCase() {
    }

    public static WalkCase build(int flags, PagingMode mode, int maxPhyAddr) {
        long[] addresses = new long[MAX_ENTRIES];
        long[] values = new long[MAX_ENTRIES];
        int n = entries(flags, mode, addresses, values);
        TreeMap<Long, Long> mem = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            mem.put(addresses[i], values[i]);
        }
        return new WalkCase(cpu(maxPhyAddr), controls(flags, mode), mem, access(flags));
    }

    /** Entries of the largest layout (5-level). */
    static final int MAX_ENTRIES = 5;

    /**
     * The paging-structure entries of case {@code flags}, root first, into {@code addresses}/{@code values}
     * (at least {@link #MAX_ENTRIES} long); every other location reads 0.
     *
     * @return the number of entries (4 or 5)
     */
    static int entries(int flags, PagingMode mode, long[] addresses, long[] values) {
        if (mode != PagingMode.LONG4 && mode != PagingMode.LONG5) {
            throw new IllegalArgumentException("access.c's space is IA-32e only (4- and 5-level)");
        }
        int n = 0;
        long upper = 0x7; // P|RW|US
        if (mode == PagingMode.LONG5) {
            addresses[n] = PML5 + ((VA >>> 48) & 511) * 8;
            values[n++] = PML4 | upper;
        }
        addresses[n] = PML4 + ((VA >>> 39) & 511) * 8;
        values[n++] = PDPT | upper;
        addresses[n] = PDPT + ((VA >>> 30) & 511) * 8;
        values[n++] = PD | (PDPTE_NO_WRITABLE.in(flags) ? 0x5 : upper);
        boolean pse = PDE_PSE.in(flags);
        long pde = (pse ? FRAME_2M | 0x80 : PT)
                | bit(flags, PDE_PRESENT, 0) | bit(flags, PDE_WRITABLE, 1) | bit(flags, PDE_USER, 2)
                | bit(flags, PDE_ACCESSED, 5) | bit(flags, PDE_DIRTY, 6) | bit(flags, PDE_NX, 63)
                | bit(flags, PDE_BIT51, 51) | bit(flags, PDE_BIT36, 36) | bit(flags, PDE_BIT13, 13);
        if (PKU_PKEY.in(flags)) {
            pde |= (pse ? 1L : 2L) << 59;
        }
        addresses[n] = PD + ((VA >>> 21) & 511) * 8;
        values[n++] = pde;
        long pte = FRAME_4K | bit(flags, PTE_PRESENT, 0) | bit(flags, PTE_WRITABLE, 1) | bit(flags, PTE_USER, 2)
                | bit(flags, PTE_ACCESSED, 5) | bit(flags, PTE_DIRTY, 6) | bit(flags, PTE_NX, 63)
                | bit(flags, PTE_BIT51, 51) | bit(flags, PTE_BIT36, 36);
        if (PKU_PKEY.in(flags)) {
            pte |= 1L << 59;
        }
        addresses[n] = PT + ((VA >>> 12) & 511) * 8;
        values[n++] = pte;
        return n;
    }

    /** The CPU of every case: Intel, the host's MAXPHYADDR, 1 GiB pages. */
    static CpuConfig cpu(int maxPhyAddr) {
        return new CpuConfig(Vendor.INTEL, maxPhyAddr, true);
    }

    /** The controls of case {@code flags}: CR3 at the root table of {@code mode}. */
    static PagingControls controls(int flags, PagingMode mode) {
        int pkru = (PKU_AD.in(flags) ? 1 << 2 : 0) | (PKU_WD.in(flags) ? 1 << 3 : 0);
        return new PagingControls(mode, CPU_CR0_WP.in(flags), false, false, CPU_CR4_SMEP.in(flags), false,
                CPU_CR4_PKE.in(flags), false, CPU_EFER_NX.in(flags), false, pkru, 0,
                mode == PagingMode.LONG5 ? PML5 : PML4);
    }

    /** The access of case {@code flags}. */
    static Access access(int flags) {
        AccessKind kind = ACCESS_WRITE.in(flags) ? AccessKind.WRITE
                : ACCESS_FETCH.in(flags) ? AccessKind.FETCH : AccessKind.READ;
        return new Access(VA, kind, ACCESS_USER.in(flags) ? 3 : 0, false, false);
    }

    private static long bit(int flags, AccessCFlag f, int bit) {
        return f.in(flags) ? 1L << bit : 0;
    }
}
