package xpf.properties.gen;

import java.util.List;
import xpf.model.scenario.DomainSpec;

/**
 * A generated domain and what the step generators need to aim at it: the spec, interesting linear addresses
 * ({@link Target}), page-table entries that steps may rewrite ({@link Slot}), alternative top-level tables for CR3
 * writes, and frames worth putting into a new entry.
 *
 * @param roots       frames usable as CR3 (the first is vCPU 0's)
 * @param dataFrames  frames the domain owns and uses as data
 * @param otherFrames frames worth mapping that are not plain data: tables, foreign or Xen frames, MMIO, out of range
 */
public record DomainPlan(DomainSpec spec, List<Target> targets, List<Slot> slots, List<Long> roots,
        List<Long> dataFrames, List<Long> otherFrames) {

    public DomainPlan {
        targets = List.copyOf(targets);
        slots = List.copyOf(slots);
        roots = List.copyOf(roots);
        dataFrames = List.copyOf(dataFrames);
        otherFrames = List.copyOf(otherFrames);
    }

    public String name() {
        return spec.name();
    }

    /** A linear address worth touching, with what the generator meant by it (a statistics label). */
    public record Target(long va, String tag) {
    }

    /**
     * A page-table entry steps may rewrite: entry {@code index} of table {@code table} at {@code depth} (0 = root),
     * and the linear address of that entry through an alias mapping of the table ({@code -1} when the table is not
     * mapped), writable or not through it. {@code mapsVa} is a linear address the entry translates (for INVLPG after
     * a change).
     */
    public record Slot(long table, int index, int depth, long aliasVa, boolean aliasWritable, long mapsVa) {
    }
}
