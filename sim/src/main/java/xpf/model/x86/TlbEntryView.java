package xpf.model.x86;

/**
 * One cached translation of a vCPU's TLB, as plain data (x86-paging.md §1.1f): the page, its frame, the effective
 * rights cached with it, the leaf's dirty flag and whether it is global.
 */
public record TlbEntryView(long vaBase, long pageSize, long paBase, boolean user, boolean writable,
        boolean executeDisable, int pkey, boolean dirty, boolean global) {

    /** Whether this entry translates linear address {@code va} (unsigned: kernel addresses are negative longs). */
    public boolean covers(long va) {
        return Long.compareUnsigned(va, vaBase) >= 0 && Long.compareUnsigned(va - vaBase, pageSize) < 0;
    }
}
