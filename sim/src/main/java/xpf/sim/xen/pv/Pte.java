package xpf.sim.xen.pv;

import xpf.sim.x86.EntryBits;

/**
 * Xen's view of a page-table entry (asm/page.h, asm/x86_64/page.h): the frame number and the flag bits, with the
 * names Xen gives them. Flags here are in PTE bit positions (Xen's 24-bit "flags" packing of bits 52-63 is not
 * needed once masks are written as PTE bits).
 */
public final class Pte {
    public static final long P = EntryBits.P;
    public static final long RW = EntryBits.RW;
    public static final long US = EntryBits.US;
    public static final long PWT = EntryBits.PWT;
    public static final long PCD = EntryBits.PCD;
    public static final long A = EntryBits.A;
    public static final long D = EntryBits.D;
    /** Bit 7: PSE in L2-L4 entries, PAT in L1 entries. */
    public static final long PSE = EntryBits.PS;
    public static final long PAT = EntryBits.PAT_4K;
    public static final long G = EntryBits.G;
    /** {@code _PAGE_AVAIL}: bits 9-11, free for the guest. */
    public static final long AVAIL = 0xE00L;
    /** {@code _PAGE_GUEST_KERNEL}: bit 52, Xen's marker for a 64-bit PV kernel-only leaf made user-accessible. */
    public static final long GUEST_KERNEL = 1L << 52;
    /** {@code _PAGE_AVAIL_HIGH}: bits 52-62. */
    public static final long AVAIL_HIGH = 0x7FFL << 52;
    public static final long NX = EntryBits.XD;
    /** {@code PAGE_CACHE_ATTRS}: PAT|PCD|PWT of a 4 KiB leaf. */
    public static final long CACHE_ATTRS = PAT | PCD | PWT;
    /** Frame bits 12..51 (the architectural maximum; frames beyond the machine are "not RAM"). */
    public static final long ADDR_MASK = 0x000FFFFFFFFFF000L;
    /** {@code __PAGE_HYPERVISOR_RW}: how Xen maps its own tables and the LDT shadow (supervisor only). */
    public static final long HYPERVISOR_RW = P | RW | A | D;

    private Pte() {
    }

    public static long mfn(long e) {
        return (e & ADDR_MASK) >>> 12;
    }

    public static long flags(long e) {
        return e & ~ADDR_MASK;
    }

    public static boolean present(long e) {
        return (e & P) != 0;
    }

    public static long of(long mfn, long flags) {
        return (mfn << 12) | flags;
    }

    /** {@code lNe_has_changed(o, n, flags)}: a different frame, or any of {@code flags} differs. */
    public static boolean hasChanged(long o, long n, long flagsToCompare) {
        return ((o ^ n) & (ADDR_MASK | (flagsToCompare & ~ADDR_MASK))) != 0;
    }

    /** Flags in Xen's symbolic style for traces: {@code P|RW|US|A}. */
    public static String flagNames(long e) {
        StringBuilder b = new StringBuilder();
        String[] n = {"P", "RW", "US", "PWT", "PCD", "A", "D", "PSE", "G"};
        for (int i = 0; i < n.length; i++) {
            if ((e & (1L << i)) != 0) {
                b.append(b.isEmpty() ? "" : "|").append(n[i]);
            }
        }
        if ((e & GUEST_KERNEL) != 0) {
            b.append(b.isEmpty() ? "" : "|").append("GUEST_KERNEL");
        }
        if ((e & NX) != 0) {
            b.append(b.isEmpty() ? "" : "|").append("NX");
        }
        return b.isEmpty() ? "0" : b.toString();
    }
}
