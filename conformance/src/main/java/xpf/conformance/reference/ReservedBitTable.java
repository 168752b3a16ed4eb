package xpf.conformance.reference;

import xpf.model.x86.CpuConfig;
import xpf.model.x86.Vendor;

/**
 * §1.1b "Reserved bits — exact masks (checked only when the entry's P=1)" as a decision table keyed by
 * (level, leaf or not). Each row is the union of named {@link Term}s; a term depends only on MAXPHYADDR, EFER.NXE,
 * the vendor and Page1GB, so every mask is computed once per such configuration when the class loads and the hot
 * path is one array read.
 */
final class ReservedBitTable {

    /** One reserved-bit term of a row, as a function of the configuration. */
    @FunctionalInterface
    interface Term {
        long bits(int maxPhyAddr, boolean nxe, boolean amd, boolean page1gb);

        /** Bits hi:lo, fixed. */
        static Term range(int hi, int lo) {
            long m = bitsBetween(hi, lo);
            return (mp, nxe, amd, p1g) -> m;
        }

        /** Bits hi:M (nothing when M &gt; hi). */
        static Term fromMaxPhyAddrTo(int hi) {
            return (mp, nxe, amd, p1g) -> bitsBetween(hi, mp);
        }

        /** Bit 63 when EFER.NXE=0 ("+63 if NXE=0"). */
        static Term xdUnlessNxe() {
            return (mp, nxe, amd, p1g) -> nxe ? 0 : 1L << 63;
        }

        /** A bit reserved only on AMD ("AMD: +bit 8"). */
        static Term amdOnly(int bit) {
            return (mp, nxe, amd, p1g) -> amd ? 1L << bit : 0;
        }

        /** A bit reserved only without 1 GiB page support ("+bit 7 if !Page1GB"). */
        static Term unlessPage1Gb(int bit) {
            return (mp, nxe, amd, p1g) -> p1g ? 0 : 1L << bit;
        }

        /** 32-bit 4 MiB PDE, PSE-36 always present: bits 21:(Mp−19), Mp = min(40, M). */
        static Term pse36() {
            return (mp, nxe, amd, p1g) -> bitsBetween(21, Math.min(40, mp) - 19);
        }
    }

    /** The rows of §1.1b. Row order is irrelevant: each (level, leaf) pair has exactly one row. */
    enum Row {
        // §1.1b "32-bit, CR4.PSE=0 | any | none" and "32-bit, CR4.PSE=1 | PDE→PT, PTE | none"
        LEGACY_PDE_TABLE(Level.LEGACY_PDE, false),
        LEGACY_PTE(Level.LEGACY_PTE, true),
        // §1.1b "32-bit, CR4.PSE=1 | PDE 4 MiB | PSE-36: bits 21:(Mp−19), Mp=min(40,M)"
        LEGACY_PDE_4M(Level.LEGACY_PDE, true, Term.pse36()),
        // §1.1b "PAE | PDPTE | 63:M, 8:5, 2:1" — checked at PDPTE load (⇒ #GP(0)), never as a #PF
        PAE_PDPTE(Level.PAE_PDPTE, false, Term.fromMaxPhyAddrTo(63), Term.range(8, 5), Term.range(2, 1)),
        // §1.1b "PAE | PDE→PT, PTE | 62:M, +63 if NXE=0"
        PAE_PDE_TABLE(Level.PAE_PDE, false, Term.fromMaxPhyAddrTo(62), Term.xdUnlessNxe()),
        PAE_PTE(Level.PAE_PTE, true, Term.fromMaxPhyAddrTo(62), Term.xdUnlessNxe()),
        // §1.1b "PAE | PDE 2 MiB | 62:M, 20:13, +63 if NXE=0"
        PAE_PDE_2M(Level.PAE_PDE, true, Term.fromMaxPhyAddrTo(62), Term.range(20, 13), Term.xdUnlessNxe()),
        // §1.1b "4/5-level | PML5E, PML4E | 51:M, bit 7 (PS), +63 if NXE=0; AMD: +bit 8"
        PML5E(Level.PML5E, false, Term.fromMaxPhyAddrTo(51), Term.range(7, 7), Term.xdUnlessNxe(), Term.amdOnly(8)),
        PML4E(Level.PML4E, false, Term.fromMaxPhyAddrTo(51), Term.range(7, 7), Term.xdUnlessNxe(), Term.amdOnly(8)),
        // §1.1b "4/5-level | PDPTE | 51:M, +63 if NXE=0, +bit 7 if !Page1GB" (a PS=1 PDPTE without Page1GB is not
        // a leaf, so it lands in this row and its bit 7 is reserved)
        PDPTE_TABLE(Level.PDPTE, false, Term.fromMaxPhyAddrTo(51), Term.xdUnlessNxe(), Term.unlessPage1Gb(7)),
        // §1.1b "4/5-level | PDPTE | ... if PS=1: +29:13"
        PDPTE_1G(Level.PDPTE, true, Term.fromMaxPhyAddrTo(51), Term.xdUnlessNxe(), Term.range(29, 13)),
        // §1.1b "4/5-level | PDE | 51:M, +63 if NXE=0; if PS=1: +20:13"
        PDE_TABLE(Level.PDE, false, Term.fromMaxPhyAddrTo(51), Term.xdUnlessNxe()),
        PDE_2M(Level.PDE, true, Term.fromMaxPhyAddrTo(51), Term.xdUnlessNxe(), Term.range(20, 13)),
        // §1.1b "4/5-level | PTE | 51:M, +63 if NXE=0"
        PTE(Level.PTE, true, Term.fromMaxPhyAddrTo(51), Term.xdUnlessNxe());

        final Level level;
        final boolean leaf;
        private final Term[] terms;

        Row(Level level, boolean leaf, Term... terms) {
            this.level = level;
            this.leaf = leaf;
            this.terms = terms;
        }

        long mask(int maxPhyAddr, boolean nxe, boolean amd, boolean page1gb) {
            long m = 0;
            for (Term t : terms) {
                m |= t.bits(maxPhyAddr, nxe, amd, page1gb);
            }
            return m;
        }
    }

    /** [level][leaf ? 1 : 0] → row; a null slot is a combination that cannot occur (e.g. a leaf PML4E). */
    private static final Row[][] ROW_OF = new Row[Level.values().length][2];
    /** [configuration][row] → mask. */
    private static final long[][] MASKS;

    static {
        for (Row r : Row.values()) {
            if (ROW_OF[r.level.ordinal()][r.leaf ? 1 : 0] != null) {
                throw new IllegalStateException("two §1.1b rows for " + r.level + (r.leaf ? " leaf" : " non-leaf"));
            }
            ROW_OF[r.level.ordinal()][r.leaf ? 1 : 0] = r;
        }
        int configs = (CpuConfig.MAX_MAXPHYADDR - CpuConfig.MIN_MAXPHYADDR + 1) * 8;
        MASKS = new long[configs][Row.values().length];
        for (int mp = CpuConfig.MIN_MAXPHYADDR; mp <= CpuConfig.MAX_MAXPHYADDR; mp++) {
            for (int flags = 0; flags < 8; flags++) {
                long[] masks = MASKS[((mp - CpuConfig.MIN_MAXPHYADDR) << 3) | flags];
                for (Row r : Row.values()) {
                    masks[r.ordinal()] = r.mask(mp, (flags & 4) != 0, (flags & 2) != 0, (flags & 1) != 0);
                }
            }
        }
    }

    private ReservedBitTable() {
    }

    /** The masks of every row for one configuration, indexed by {@link Row#ordinal()}. Do not modify. */
    static long[] masksFor(CpuConfig cpu, boolean nxe) {
        int flags = (nxe ? 4 : 0) | (cpu.vendor() == Vendor.AMD ? 2 : 0) | (cpu.page1gb() ? 1 : 0);
        return MASKS[((cpu.maxPhyAddr() - CpuConfig.MIN_MAXPHYADDR) << 3) | flags];
    }

    /** The row for an entry of this level, leaf or not. */
    static Row row(Level level, boolean leaf) {
        Row r = ROW_OF[level.ordinal()][leaf ? 1 : 0];
        if (r == null) {
            throw new IllegalStateException("no §1.1b row for " + level + (leaf ? " leaf" : " non-leaf"));
        }
        return r;
    }

    /** Bits hi:lo (empty when lo &gt; hi). */
    static long bitsBetween(int hi, int lo) {
        if (lo > hi) {
            return 0;
        }
        long upTo = hi >= 63 ? -1L : (1L << (hi + 1)) - 1;
        return upTo & ~((1L << lo) - 1);
    }
}
