package xpf.conformance.matrix;

/**
 * The 31 flags of kvm-unit-tests {@code x86/access.c} (git 1da1819e), in their enumeration order
 * (x86-paging.md §2a): bit {@code ordinal()} of a flag set.
 */
public enum AccessCFlag {
    PTE_WRITABLE, PTE_USER, PTE_ACCESSED, PTE_DIRTY, PTE_NX, PTE_PRESENT, PTE_BIT51, PTE_BIT36,
    PDE_WRITABLE, PDE_USER, PDE_ACCESSED, PDE_DIRTY, PDE_PSE, PDE_NX, PDE_PRESENT, PDE_BIT51, PDE_BIT36, PDE_BIT13,
    PDPTE_NO_WRITABLE, PKU_AD, PKU_WD, PKU_PKEY,
    ACCESS_USER, ACCESS_WRITE, ACCESS_FETCH, ACCESS_TWICE,
    CPU_EFER_NX, CPU_CR0_WP, CPU_CR4_SMEP, CPU_CR4_PKE, FEP;

    public int bit() {
        return 1 << ordinal();
    }

    public boolean in(int flags) {
        return (flags & bit()) != 0;
    }

    /** The flag set written as access.c names, e.g. {@code PTE_PRESENT|ACCESS_WRITE}. */
    public static String describe(int flags) {
        StringBuilder b = new StringBuilder();
        for (AccessCFlag f : values()) {
            if (f.in(flags)) {
                if (!b.isEmpty()) {
                    b.append('|');
                }
                b.append(f.name());
            }
        }
        return b.isEmpty() ? "0" : b.toString();
    }
}
