package xpf.conformance.reference;

import java.util.SortedMap;

import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;

/**
 * The entries a walk reads, root first, and why the walk stopped (walk-service.md step 3, §1.1b "Reporting rules":
 * the walk is top-down and stops at the first entry with P=0 or a reserved bit; lower entries are never read).
 * Computed once, before any rule of §1.1c–§1.1e looks at it.
 */
final class UsedEntries {

    /** Why the list ends where it ends. */
    enum Stop {
        /** The last entry has P=0 (§1.1b: "P=0 ⇒ error code P=0, RSVD=0"). */
        NOT_PRESENT,
        /** The last entry has P=1 and a bit of its §1.1b mask set. */
        RESERVED,
        /** The last entry is a present leaf without reserved bits: a translation exists. */
        LEAF
    }

    static final long P = 1;
    private static final int MAX_LEVELS = 5;

    final Level[] levels = new Level[MAX_LEVELS];
    final long[] addresses = new long[MAX_LEVELS];
    final long[] values = new long[MAX_LEVELS];
    int count;
    Stop stop;

    UsedEntries() {
    }

    /**
     * Reads the entries for {@code va} into {@code u} (its previous contents are discarded). {@code masks} are the
     * §1.1b masks of this configuration. In PAE the first entry is the PDPTE register: {@code pdpteRegisters} when
     * given (loaded at the last MOV CR3, §1.1a; memory may have changed since), else read from memory (a one-shot
     * walk case loads them at the access). Every other level reads memory, even when its table is the
     * page-directory-pointer table itself.
     */
    static UsedEntries read(UsedEntries u, PagingControls c, CpuConfig cpu, EntryMemory memory,
            long[] pdpteRegisters, long[] masks, long va) {
        u.count = 0;
        u.stop = null;
        PagingMode mode = c.mode();
        int mp = cpu.maxPhyAddr();
        long tableBase = rootTableBase(mode, c.cr3(), mp);
        for (Level level : Level.of(mode)) {
            long address = level.entryAddress(tableBase, va);
            long value = level == Level.PAE_PDPTE && pdpteRegisters != null
                    ? pdpteRegisters[(int) ((va >>> 30) & 3)]
                    : memory.read(address);
            int i = u.count++;
            u.levels[i] = level;
            u.addresses[i] = address;
            u.values[i] = value;
            if ((value & P) == 0) {
                u.stop = Stop.NOT_PRESENT;
                return u;
            }
            boolean leaf = level.isLeaf(value, c, cpu);
            if ((value & masks[ReservedBitTable.row(level, leaf).ordinal()]) != 0) {
                u.stop = Stop.RESERVED;
                return u;
            }
            if (leaf) {
                u.stop = Stop.LEAF;
                return u;
            }
            tableBase = level.nextTableBase(value, mp);
        }
        throw new IllegalStateException("the last level of " + mode + " is always a leaf");
    }

    /**
     * §1.1a "Levels (root→leaf)": the first table is at CR3[31:12] (32-bit), the PDPTE registers loaded from
     * CR3[31:5] (PAE), or CR3[M-1:12] (4/5-level).
     */
    static long rootTableBase(PagingMode mode, long cr3, int maxPhyAddr) {
        return switch (mode) {
            case LEGACY2 -> cr3 & 0xFFFF_F000L;
            case PAE -> pdptBase(cr3);
            case LONG4, LONG5 -> cr3 & Level.lowBits(maxPhyAddr) & ~0xFFFL;
        };
    }

    /** PAE: the four PDPTEs are at (CR3 &amp; 0xFFFFFFE0) + 8·i (walk-service.md step 2). */
    static long pdptBase(long cr3) {
        return cr3 & 0xFFFF_FFE0L;
    }

    /** Every location not listed in the case's memory reads 0 (walk-service.md, input key {@code memory}). */
    static EntryMemory of(SortedMap<Long, Long> memory) {
        return address -> {
            Long v = memory.get(address);
            return v == null ? 0 : v;
        };
    }

    int last() {
        return count - 1;
    }
}
