package xpf.sim.scenario.load;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;
import xpf.model.scenario.DomainKind;

/** What the loader knows about a domain while reading it and the steps: names, frames, entry width. */
final class Dom {
    /** Words that cannot name a frame, because entry and address expressions use them. */
    static final Set<String> RESERVED = Set.of("p", "rw", "us", "pwt", "pcd", "a", "d", "ps", "pat", "g", "nx", "xd",
            "pat_large", "avl0", "avl1", "avl2", "guest_kernel", "pk", "bit", "pte", "addr");

    final int index;
    final String name;
    final DomainKind kind;
    final String path;
    final SequencedMap<String, Long> frames = new LinkedHashMap<>();
    final int maxPhyAddr;
    int entryWidth = 8;
    int vcpus;
    /** vCPU 0's CR3 frame (default root of mappings), or null. */
    Long rootFrame;

    Dom(int index, String name, DomainKind kind, String path, int maxPhyAddr) {
        this.index = index;
        this.name = name;
        this.kind = kind;
        this.path = path;
        this.maxPhyAddr = maxPhyAddr;
    }

    /** Frames must be below 2^(MAXPHYADDR-12). */
    long frameLimit() {
        return 1L << (maxPhyAddr - 12);
    }

    static boolean reserved(String name) {
        return RESERVED.contains(name.toLowerCase(Locale.ROOT));
    }

    /** All domains of a scenario by name, for qualified frame refs ({@code other.data}). */
    static final class All {
        final Map<String, Dom> byName = new LinkedHashMap<>();
    }
}
