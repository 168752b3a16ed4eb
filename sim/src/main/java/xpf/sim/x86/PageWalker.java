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
     * What a walk consults for one configuration, computed once: the level geometry of the mode, and for every level
     * and PS value the §1.1b reserved mask ({@link ReservedBits#mask}) and whether a present entry is a leaf
     * ({@link ReservedBits#isLeaf}). They depend only on the CPU, the paging mode, EFER.NXE and CR4.PSE, so one
     * immutable instance per such configuration is shared by every walker (a fresh vCPU per walk case pays nothing).
     */
    static final class Tables {
        private static final int VENDORS = xpf.model.x86.Vendor.values().length;
        private static final int MODES = PagingMode.values().length;
        private static final Tables[] CACHE = new Tables[(CpuConfig.MAX_MAXPHYADDR - CpuConfig.MIN_MAXPHYADDR + 1)
                * VENDORS * 2 * MODES * 4];

        final CpuConfig cpu;
        final PagingMode mode;
        final boolean nxe;
        final boolean pse;
        final LevelGeometry[] geo;
        /** [levelIndex * 2 + (PS ? 1 : 0)] → reserved mask. */
        final long[] rsvd;
        /** [levelIndex * 2 + (PS ? 1 : 0)] → whether a present entry is a leaf. */
        final boolean[] leaf;
        /** [levelIndex] → the level's lowest linear-address bit, the index mask, the size a leaf there maps. */
        final int[] shift;
        final long[] indexMask;
        final long[] span;
        /** [levelIndex] → the entry is the PAE PDPTE register (read from the registers, no reserved check here). */
        final boolean[] pdpteRegister;
        /** The mask {@link PagingGeometry#nextTableBase} applies to a non-leaf entry. */
        final long tableMask;
        /** The mask {@link PagingGeometry#rootBase} applies to CR3 (every mode's root base is CR3 under a mask). */
        final long rootMask;
        /**
         * [levelIndex] → the frame mask {@link #leafAddress} applies to a leaf there (bits M-1 down to the page
         * size), or 0 in 32-bit paging, whose leaves {@link #leafAddress} computes itself (PSE-36).
         */
        final long[] leafFrameMask;
        /** IA-32e paging: leaves carry a protection key. */
        final boolean ia32e;

        private Tables(CpuConfig cpu, PagingControls c) {
            this.cpu = cpu;
            this.mode = c.mode();
            this.nxe = c.eferNxe();
            this.pse = c.cr4Pse();
            geo = PagingGeometry.levels(mode).toArray(new LevelGeometry[0]);
            rsvd = new long[geo.length * 2];
            leaf = new boolean[geo.length * 2];
            shift = new int[geo.length];
            indexMask = new long[geo.length];
            span = new long[geo.length];
            pdpteRegister = new boolean[geo.length];
            tableMask = PagingGeometry.nextTableBase(mode, -1L, cpu.maxPhyAddr());
            rootMask = PagingGeometry.rootBase(mode, -1L, cpu.maxPhyAddr());
            leafFrameMask = new long[geo.length];
            ia32e = PagingGeometry.ia32e(mode);
            for (int i = 0; i < geo.length; i++) {
                shift[i] = geo[i].shift();
                indexMask[i] = (1L << geo[i].indexBits()) - 1;
                span[i] = geo[i].span();
                leafFrameMask[i] = mode == PagingMode.LEGACY2 ? 0
                        : EntryBits.bits(cpu.maxPhyAddr() - 1, Long.numberOfTrailingZeros(span[i]));
                pdpteRegister[i] = mode == PagingMode.PAE && geo[i].level() == EntryLevel.PDPTE;
                for (int ps = 0; ps < 2; ps++) {
                    long probe = ps == 1 ? EntryBits.PS : 0;
                    rsvd[i * 2 + ps] = ReservedBits.mask(mode, geo[i].level(), probe, cpu, c);
                    leaf[i * 2 + ps] = ReservedBits.isLeaf(mode, geo[i].level(), probe, c);
                }
            }
        }

        boolean isFor(CpuConfig c, PagingControls pc) {
            return (c == cpu || c.equals(cpu)) && pc.mode() == mode && pc.eferNxe() == nxe && pc.cr4Pse() == pse;
        }

        /** The shared tables of a configuration (a benign race may build one twice; both are equal). */
        static Tables of(CpuConfig cpu, PagingControls c) {
            int i = ((((cpu.maxPhyAddr() - CpuConfig.MIN_MAXPHYADDR) * VENDORS + cpu.vendor().ordinal()) * 2
                    + (cpu.page1gb() ? 1 : 0)) * MODES + c.mode().ordinal()) * 4 + (c.eferNxe() ? 2 : 0)
                    + (c.cr4Pse() ? 1 : 0);
            Tables t = CACHE[i];
            if (t == null) {
                t = new Tables(cpu, c);
                CACHE[i] = t;
            }
            return t;
        }
    }

    /**
     * A reusable, mutable walk result: what {@link Walk} holds, in arrays allocated once, plus the per-configuration
     * tables the walk consults (reserved masks and leaf rules of §1.1b/§1.1a for every level and PS value, the level
     * geometry), recomputed only when the CPU, paging mode, EFER.NXE or CR4.PSE change. One per {@link Mmu} (or per
     * benchmark/matrix thread): the hot path of a walk allocates nothing. Not thread-safe.
     */
    public static final class WalkState {
        private static final int MAX = 5;
        final long[] slots = new long[MAX];
        final long[] values = new long[MAX];
        /** Index (into {@link #geo}) of the first level read: the entry kinds follow from it. */
        int first;
        int count;
        Status status;
        int rightsFrom;
        int errorBits;
        long pa;
        long pageSize;
        boolean user;
        boolean writable;
        boolean executeDisable;
        int pkey;
        boolean global;

        private Tables tables;

        private void configure(CpuConfig cpu, PagingControls c) {
            Tables t = tables;
            if (t == null || !t.isFor(cpu, c)) {
                tables = Tables.of(cpu, c);
            }
        }

        public Status status() {
            return status;
        }

        public int count() {
            return count;
        }

        public long slot(int i) {
            return slots[i];
        }

        public long value(int i) {
            return values[i];
        }

        public long pa() {
            return pa;
        }

        public long pageSize() {
            return pageSize;
        }

        public int errorBits() {
            return errorBits;
        }

        public int rightsFrom() {
            return rightsFrom;
        }

        /** The entries read, as a fresh array. */
        public long[] slotsCopy() {
            return java.util.Arrays.copyOf(slots, count);
        }

        /** The same result as an immutable {@link Walk}. */
        public Walk toWalk() {
            long[] s = slotsCopy();
            long[] v = java.util.Arrays.copyOf(values, count);
            EntryLevel[] k = new EntryLevel[count];
            for (int i = 0; i < count; i++) {
                k[i] = tables.geo[first + i].level();
            }
            if (status != Status.TRANSLATED) {
                return new Walk(status, s, v, k, rightsFrom, errorBits, 0, 0, null, false);
            }
            return new Walk(status, s, v, k, rightsFrom, 0, pa, pageSize,
                    new AccessRights.Effective(user, writable, executeDisable, pkey), global);
        }
    }

    /**
     * Walks {@code la}.
     *
     * @param pdpte the four PAE PDPTE registers (loaded at MOV CR3); ignored in other modes
     * @param start where to start (from a paging-structure cache), or null for a full walk from CR3
     */
    public static Walk walk(PhysicalMemory mem, CpuConfig cpu, PagingControls c, long[] pdpte, long la, Start start) {
        WalkState s = new WalkState();
        walk(s, mem, cpu, c, pdpte, la, start);
        return s.toWalk();
    }

    /**
     * Walks {@code la} into {@code s} (the allocation-free form of {@link #walk(PhysicalMemory, CpuConfig,
     * PagingControls, long[], long, Start)}; same rules, same result).
     *
     * @return the walk's status, also in {@code s}
     */
    public static Status walk(WalkState s, PhysicalMemory mem, CpuConfig cpu, PagingControls c, long[] pdpte, long la,
            Start start) {
        s.configure(cpu, c);
        PagingMode mode = c.mode();
        Tables t = s.tables;
        LevelGeometry[] geo = t.geo;
        long[] rsvd = t.rsvd;
        boolean[] leafRule = t.leaf;
        int m = cpu.maxPhyAddr();
        int n = geo.length;
        int first = start == null ? 0 : start.levelIndex();
        s.first = first;
        long[] slots = s.slots;
        long[] values = s.values;
        boolean user = start == null || start.user();
        boolean writable = start == null || start.writable();
        boolean xd = start != null && start.executeDisable();
        boolean nx = c.eferNxe() && mode != PagingMode.LEGACY2;
        boolean pae = mode == PagingMode.PAE;
        s.rightsFrom = (pae && first == 0) ? 1 : 0;
        s.errorBits = 0;
        long table = start == null ? c.cr3() & t.rootMask : start.tableBase();
        int width = mode.entryBytes();
        int k = 0;
        int[] shift = t.shift;
        long[] indexMask = t.indexMask;
        boolean[] pdpteRegisterAt = t.pdpteRegister;
        long tableMask = t.tableMask;
        for (int i = first; i < n; i++, k++) {
            long index = (la >>> shift[i]) & indexMask[i];
            long slot = table + index * width;
            // PAE: the PDPTE comes from the register loaded at MOV CR3, not from memory (§1.1b).
            boolean pdpteRegister = pdpteRegisterAt[i];
            long e;
            if (pdpteRegister) {
                e = pdpte[(int) index];
            } else {
                e = width == 4 ? mem.read(slot, 4) : mem.readWord(slot);
            }
            slots[k] = slot;
            values[k] = e;
            if ((e & EntryBits.P) == 0) {
                s.count = k + 1;
                s.status = Status.NOT_PRESENT;
                return Status.NOT_PRESENT;
            }
            int row = i * 2 + ((e & EntryBits.PS) != 0 ? 1 : 0);
            if (!pdpteRegister) {
                if ((e & rsvd[row]) != 0) {
                    s.count = k + 1;
                    s.errorBits = PfErrorCode.P | PfErrorCode.RSVD;
                    s.status = Status.RESERVED;
                    return Status.RESERVED;
                }
                user &= (e & EntryBits.US) != 0;
                writable &= (e & EntryBits.RW) != 0;
                xd |= nx && (e & EntryBits.XD) != 0;
            }
            if (leafRule[row]) {
                long size = t.span[i];
                s.count = k + 1;
                long frameMask = t.leafFrameMask[i];
                // Other modes: leafAddress's (e & frame mask) | offset, with the mask precomputed.
                s.pa = frameMask == 0 ? leafAddress(mode, geo[i].level(), e, la, size, m)
                        : (e & frameMask) | (la & (size - 1));
                s.pageSize = size;
                s.user = user;
                s.writable = writable;
                s.executeDisable = xd;
                s.pkey = t.ia32e ? EntryBits.pkey(e) : 0;
                s.global = (e & EntryBits.G) != 0;
                s.status = Status.TRANSLATED;
                return Status.TRANSLATED;
            }
            table = e & tableMask;
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
}
