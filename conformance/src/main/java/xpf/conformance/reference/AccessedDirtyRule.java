package xpf.conformance.reference;

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

    /**
     * The entries whose value changes, written to {@code out} as (address, new value) pairs in ascending address
     * order.
     */
    static void updates(UsedEntries used, boolean write, WalkAnswer out) {
        long[] addresses = out.changedAddresses;
        long[] values = out.changedValues;
        int n = 0;
        int leaf = used.last();
        for (int i = 0; i < used.count; i++) {
            if (used.levels[i] == Level.PAE_PDPTE) {
                continue;   // §1.1e "not PAE PDPTE"
            }
            long bits = A | (write && i == leaf ? D : 0);   // §1.1e "D on leaf iff write"
            long address = used.addresses[i];
            // The walk read every entry before any update (§1.1h: A/D after the walk), so an aliased entry starts
            // from the value read, then accumulates the updates of each use.
            int j = indexOf(addresses, n, address);
            if (j < 0) {
                j = n++;
                addresses[j] = address;
                values[j] = used.values[i];
            }
            values[j] |= bits;
        }
        // §1.1e "A/D already set: no write" — only changed values are reported
        int kept = 0;
        for (int j = 0; j < n; j++) {
            if (values[j] != originalValue(used, addresses[j])) {
                addresses[kept] = addresses[j];
                values[kept] = values[j];
                kept++;
            }
        }
        sortByAddress(addresses, values, kept);
        out.changedCount = kept;
    }

    private static int indexOf(long[] addresses, int n, long address) {
        for (int j = 0; j < n; j++) {
            if (addresses[j] == address) {
                return j;
            }
        }
        return -1;
    }

    /** Insertion sort of at most five pairs. */
    private static void sortByAddress(long[] addresses, long[] values, int n) {
        for (int i = 1; i < n; i++) {
            long a = addresses[i];
            long v = values[i];
            int j = i - 1;
            while (j >= 0 && addresses[j] > a) {
                addresses[j + 1] = addresses[j];
                values[j + 1] = values[j];
                j--;
            }
            addresses[j + 1] = a;
            values[j + 1] = v;
        }
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
