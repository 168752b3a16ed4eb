package xpf.sim.x86;

/** The kinds of paging-structure entry, from the root down (x86-paging.md §1.1a). */
public enum EntryLevel {
    PML5E, PML4E, PDPTE, PDE, PTE;

    /** Xen's level number for this entry kind: 1 for PTE (L1) up to 5 for PML5E (L5). */
    public int xenLevel() {
        return 5 - ordinal();
    }
}
