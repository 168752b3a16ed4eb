package xpf.sim.x86;

import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.Vendor;

/**
 * The reserved-bit masks of x86-paging.md §1.1b. A present entry with any of these bits set stops the walk with
 * #PF(P|RSVD); reserved bits of a non-present entry are never checked.
 */
@Rule("1.1b")
public final class ReservedBits {

    private ReservedBits() {
    }

    /**
     * The reserved mask for a present entry of the given kind, in the given mode. Whether the entry is a leaf (PS)
     * is read from the entry itself, since the masks of large leaves differ.
     */
    public static long mask(PagingMode mode, EntryLevel level, long entry, CpuConfig cpu, PagingControls c) {
        int m = cpu.maxPhyAddr();
        return switch (mode) {
            case LEGACY2 -> legacy2(level, entry, m, c);
            case PAE -> pae(level, entry, m, c);
            case LONG4, LONG5 -> ia32e(level, entry, m, cpu, c);
        };
    }

    /** 32-bit paging: no reserved bits, except in a 4 MiB PDE (PSE-36 width min(40, M), bit 21 always). */
    private static long legacy2(EntryLevel level, long entry, int m, PagingControls c) {
        if (level == EntryLevel.PDE && c.cr4Pse() && (entry & EntryBits.PS) != 0) {
            int mp = Math.min(40, m);
            return EntryBits.bits(21, mp - 19);
        }
        return 0;
    }

    /** PAE: PDPTE 63:M, 8:5, 2:1 (checked at PDPTE load); PDE/PTE 62:M (+63 if NXE=0); 2 MiB PDE also 20:13. */
    private static long pae(EntryLevel level, long entry, int m, PagingControls c) {
        if (level == EntryLevel.PDPTE) {
            return pdpteRegister(m);
        }
        long r = EntryBits.bits(62, m) | (c.eferNxe() ? 0 : EntryBits.XD);
        if (level == EntryLevel.PDE && (entry & EntryBits.PS) != 0) {
            r |= EntryBits.bits(20, 13);
        }
        return r;
    }

    /** The PAE PDPTE-register mask: 63:M, 8:5, 2:1 (a violation is #GP(0) at load, never #PF). */
    public static long pdpteRegister(int m) {
        return EntryBits.bits(63, m) | EntryBits.bits(8, 5) | EntryBits.bits(2, 1);
    }

    /** IA-32e (4- and 5-level), §1.1b rows "4/5-level". */
    private static long ia32e(EntryLevel level, long entry, int m, CpuConfig cpu, PagingControls c) {
        long r = EntryBits.bits(51, m) | (c.eferNxe() ? 0 : EntryBits.XD);
        boolean ps = (entry & EntryBits.PS) != 0;
        switch (level) {
            case PML5E, PML4E -> {
                r |= EntryBits.PS;
                if (cpu.vendor() == Vendor.AMD) {
                    r |= EntryBits.G; // AMD, via Xen guest_l4e_rsvd_bits / XTF: bit 8 strictly reserved
                }
            }
            case PDPTE -> {
                if (ps) {
                    r |= cpu.page1gb() ? EntryBits.bits(29, 13) : EntryBits.PS;
                }
            }
            case PDE -> {
                if (ps) {
                    r |= EntryBits.bits(20, 13);
                }
            }
            case PTE -> {
                // 51:M and NX only; bit 7 is PAT, 62:52 ignored or PK.
            }
        }
        return r;
    }

    /** Whether a present entry of this kind maps a page (rather than pointing to a table). */
    @Rule("1.1a")
    public static boolean isLeaf(PagingMode mode, EntryLevel level, long entry, PagingControls c) {
        boolean ps = (entry & EntryBits.PS) != 0;
        return switch (level) {
            case PTE -> true;
            case PDE -> mode == PagingMode.LEGACY2 ? c.cr4Pse() && ps : ps;
            case PDPTE -> mode != PagingMode.PAE && ps;
            case PML4E, PML5E -> false;
        };
    }
}
