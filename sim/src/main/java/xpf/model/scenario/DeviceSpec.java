package xpf.model.scenario;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An emulated MMIO device of an HVM guest (the "device model" behind {@code p2m_mmio_dm} frames): a name, a model
 * (which behaviour its registers have) and the initial value of its registers by byte offset.
 */
public record DeviceSpec(String name, String model, long gfn, SortedMap<Integer, Long> registers) {
    public DeviceSpec {
        registers = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(registers == null ? Map.of() : registers));
    }
}
