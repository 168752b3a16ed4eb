package xpf.sim.x86;

import java.util.List;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;
import xpf.sim.x86.PagingGeometry.LevelGeometry;

/**
 * The hardware page walk of x86-paging.md §1.1a/§1.1b/§1.1h: top-down from CR3 (or from a paging-structure-cache
 * entry), stopping at the first entry with P=0 or a reserved bit. It only reads memory; rights, A/D updates and
 * caching are decided by the caller ({@link Mmu}), because they depend on the access and on the TLB.
 */
@Rule({"1.1a", "1.1b", "1.1h"})
public final class PageWalker {

    /** How a walk ended. */
    public enum Status {
        /** A leaf was reached: a translation exists (rights not yet checked). */
        TRANSLATED,
        /** Some entry had P=0: #PF with P=0. */
        NOT_PRESENT,
        /** A present entry had a reserved bit: #PF with P|RSVD. */
        RESERVED
    }

    /**
     * Where a walk starts when a paging-structure cache supplies the upper levels: the index (into
     * {@link PagingGeometry#levels}) of the first level to read, that level's table base, and the rights accumulated
     * above it.
     */
    public record Start(int levelIndex, long tableBase, boolean user, boolean writable, boolean executeDisable) {
    }

    /**
     * The result of a walk.
     *
     * @param slots         physical addresses of the entries read, in order (for PAE, the PDPTE first)
     * @param values        the values read, parallel to {@code slots}
     * @param levels        the entry kind of each slot
     * @param rightsFrom    index of the first slot that contributes rights and gets A (1 for PAE, 0 otherwise)
     * @param errorBits     {@link PfErrorCode#P}|{@link PfErrorCode#RSVD} for RESERVED, 0 otherwise
     */
    public record Walk(Status status, long[] slots, long[] values, EntryLevel[] levels, int rightsFrom,
            int errorBits, long pa, long pageSize, AccessRights.Effective rights, boolean global) {

        public int count() {
            return slots.length;
        }

        public long leafSlot() {
            return slots[slots.length - 1];
        }

        public long leafValue() {
            return values[values.length - 1];
        }

        public EntryLevel leafLevel() {
            return levels[levels.length - 1];
        }
    }

    private PageWalker() {
    }

    /**
     * Walks {@code la}.
     *
     * @param pdpte the four PAE PDPTE registers (loaded at MOV CR3); ignored in other modes
     * @param start where to start (from a paging-structure cache), or null for a full walk from CR3
     */
    public static Walk walk(PhysicalMemory mem, CpuConfig cpu, PagingControls c, long[] pdpte, long la, Start start) {
        PagingMode mode = c.mode();
        List<LevelGeometry> geo = PagingGeometry.levels(mode);
        int m = cpu.maxPhyAddr();
        int n = geo.size();
        int first = start == null ? 0 : start.levelIndex();
        long[] slots = new long[n - first];
        long[] values = new long[n - first];
        EntryLevel[] kinds = new EntryLevel[n - first];
        boolean user = start == null || start.user();
        boolean writable = start == null || start.writable();
        boolean xd = start != null && start.executeDisable();
        boolean nx = c.eferNxe() && mode != PagingMode.LEGACY2;
        int rightsFrom = (mode == PagingMode.PAE && first == 0) ? 1 : 0;
        long table = start == null ? PagingGeometry.rootBase(mode, c.cr3(), m) : start.tableBase();
        int width = mode.entryBytes();
        int k = 0;
        for (int i = first; i < n; i++, k++) {
            LevelGeometry g = geo.get(i);
            long slot = table + g.index(la) * width;
            long e;
            if (mode == PagingMode.PAE && g.level() == EntryLevel.PDPTE) {
                // PAE: the PDPTE comes from the register loaded at MOV CR3, not from memory (§1.1b).
                e = pdpte[(int) g.index(la)];
            } else {
                e = width == 4 ? mem.read(slot, 4) : mem.readWord(slot);
            }
            slots[k] = slot;
            values[k] = e;
            kinds[k] = g.level();
            if ((e & EntryBits.P) == 0) {
                return trimmed(Status.NOT_PRESENT, slots, values, kinds, k + 1, rightsFrom, 0);
            }
            boolean pdpteRegister = mode == PagingMode.PAE && g.level() == EntryLevel.PDPTE;
            if (!pdpteRegister && (e & ReservedBits.mask(mode, g.level(), e, cpu, c)) != 0) {
                return trimmed(Status.RESERVED, slots, values, kinds, k + 1, rightsFrom,
                        PfErrorCode.P | PfErrorCode.RSVD);
            }
            if (!pdpteRegister) {
                user &= (e & EntryBits.US) != 0;
                writable &= (e & EntryBits.RW) != 0;
                xd |= nx && (e & EntryBits.XD) != 0;
            }
            if (ReservedBits.isLeaf(mode, g.level(), e, c)) {
                long size = g.span();
                long pa = leafAddress(mode, g.level(), e, la, size, m);
                int pkey = PagingGeometry.ia32e(mode) ? EntryBits.pkey(e) : 0;
                return new Walk(Status.TRANSLATED, trim(slots, k + 1), trim(values, k + 1), trim(kinds, k + 1),
                        rightsFrom, 0, pa, size, new AccessRights.Effective(user, writable, xd, pkey),
                        (e & EntryBits.G) != 0);
            }
            table = PagingGeometry.nextTableBase(mode, e, m);
        }
        throw new IllegalStateException("walk fell off the last level (PTE is always a leaf)");
    }

    /** Physical address of {@code la} through a leaf of the given size (§1.1a "Final PA"). */
    @Rule("1.1a")
    public static long leafAddress(PagingMode mode, EntryLevel level, long e, long la, long size, int m) {
        if (mode == PagingMode.LEGACY2) {
            if (level == EntryLevel.PDE) {
                // 4 MiB page: PA[31:22] = PDE[31:22], PA[39:32] = PDE[20:13] (PSE-36).
                return (e & 0xFFC00000L) | (((e >>> 13) & 0xFF) << 32) | (la & (size - 1));
            }
            return (e & 0xFFFFF000L) | (la & 0xFFF);
        }
        long frameMask = EntryBits.bits(m - 1, Long.numberOfTrailingZeros(size));
        return (e & frameMask) | (la & (size - 1));
    }

    private static Walk trimmed(Status s, long[] slots, long[] values, EntryLevel[] kinds, int len, int rightsFrom,
            int errorBits) {
        return new Walk(s, trim(slots, len), trim(values, len), trim(kinds, len), rightsFrom, errorBits, 0, 0,
                null, false);
    }

    private static long[] trim(long[] a, int len) {
        return len == a.length ? a : java.util.Arrays.copyOf(a, len);
    }

    private static EntryLevel[] trim(EntryLevel[] a, int len) {
        return len == a.length ? a : java.util.Arrays.copyOf(a, len);
    }
}
