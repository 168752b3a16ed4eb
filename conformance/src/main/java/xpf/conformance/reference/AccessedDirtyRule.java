package xpf.conformance.reference;

import java.util.SortedMap;
import java.util.TreeMap;

/**
 * §1.1e "Accessed / Dirty", the strict oracle column, applied only after a successful translation (on any fault
 * no entry changes): A on every entry used except PAE PDPTEs (which are registers, not memory the walk touches);
 * D on the leaf for a write, never on a non-leaf; an entry whose bit is already set is not rewritten. An entry used
 * at two levels (table aliasing) receives the updates of both uses, one after the other.
 */
final class AccessedDirtyRule {

    static final long A = 1L << 5;
    static final long D = 1L << 6;

    private AccessedDirtyRule() {
    }

    /** The entries whose value changes, address → new value. */
    static SortedMap<Long, Long> updates(UsedEntries used, boolean write) {
        TreeMap<Long, Long> current = new TreeMap<>();
        int leaf = used.last();
        for (int i = 0; i < used.count; i++) {
            if (used.levels[i] == Level.PAE_PDPTE) {
                continue;   // §1.1e "not PAE PDPTE"
            }
            long bits = A | (write && i == leaf ? D : 0);   // §1.1e "D on leaf iff write"
            long address = used.addresses[i];
            // The walk read every entry before any update (§1.1h: A/D after the walk), so an aliased entry starts
            // from the value read, then accumulates the updates of each use.
            Long before = current.get(address);
            long old = before != null ? before : used.values[i];
            current.put(address, old | bits);
        }
        // §1.1e "A/D already set: no write" — only changed values are reported
        current.entrySet().removeIf(e -> e.getValue() == originalValue(used, e.getKey()));
        return current;
    }

    private static long originalValue(UsedEntries used, long address) {
        for (int i = 0; i < used.count; i++) {
            if (used.addresses[i] == address) {
                return used.values[i];
            }
        }
        throw new IllegalStateException("address not in the walk");
    }
}
