package xpf.conformance.reference;

/**
 * Where the reference model reads paging-structure entries: the entry value stored at a physical address, 0 where
 * nothing is stored (walk-service.md, input key {@code memory}). A walk case's sorted map is one; the matrix passes a
 * handful of (address, value) pairs without building a map.
 */
@FunctionalInterface
public interface EntryMemory {
    long read(long address);
}
