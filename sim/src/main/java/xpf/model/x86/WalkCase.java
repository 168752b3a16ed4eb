package xpf.model.x86;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One self-contained walk question: a CPU, its controls, the paging-structure entries in physical memory
 * (address → entry value, {@link PagingMode#entryBytes()} wide; every other location reads as 0) and the access.
 */
public record WalkCase(CpuConfig cpu, PagingControls controls, SortedMap<Long, Long> memory, Access access) {
    public WalkCase {
        if (cpu == null || controls == null || access == null) {
            throw new IllegalArgumentException("cpu, controls and access are required");
        }
        // A memory snapshot never changes (and reads faster than a copy of it would): shared, not copied.
        if (!(memory instanceof MemoryWords)) {
            memory = Collections.unmodifiableSortedMap(new TreeMap<>(memory == null ? new TreeMap<>() : memory));
        }
    }
}
