package xpf.model.x86;

/**
 * One linear-address access (x86-paging.md §1.1c): the address, read/write/fetch, the CPL it is made at, whether it
 * is an implicit supervisor access (descriptor-table and TSS reads: supervisor at any CPL), and whether it is a stack
 * reference (a non-canonical stack reference raises #SS(0) instead of #GP(0), §1.1d).
 */
public record Access(long va, AccessKind kind, int cpl, boolean implicit, boolean stack) {
    public Access {
        if (kind == null) {
            throw new IllegalArgumentException("access kind is required");
        }
        if (cpl < 0 || cpl > 3) {
            throw new IllegalArgumentException("cpl " + cpl + " is outside 0..3");
        }
    }

    public static Access read(long va, int cpl) {
        return new Access(va, AccessKind.READ, cpl, false, false);
    }

    public static Access write(long va, int cpl) {
        return new Access(va, AccessKind.WRITE, cpl, false, false);
    }

    public static Access fetch(long va, int cpl) {
        return new Access(va, AccessKind.FETCH, cpl, false, false);
    }

    /** A user-mode access in the SDM's sense: explicit and at CPL 3. Implicit accesses are supervisor at any CPL. */
    public boolean userMode() {
        return cpl == 3 && !implicit;
    }
}
