package xpf.model.x86;

/**
 * One paging-structure-cache entry, as plain data (x86-paging.md §1.1f): for linear addresses whose bits above
 * level {@code levelIndex}'s index equal {@code vaKey} (that is, {@code va >>> shift == vaKey}), the walk may start at
 * level {@code levelIndex + 1} in the table at {@code nextTableBase} with the rights accumulated above it.
 * {@code levelIndex} counts from the root (0).
 */
public record PscEntryView(int levelIndex, long vaKey, long nextTableBase, boolean user, boolean writable,
        boolean executeDisable) {
}
