package xpf.conformance.reference;

import java.util.ArrayList;
import java.util.List;

import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PageSizes;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;

/**
 * A guest page walk over guest-physical memory, built from the tables of this package (§1.1a levels, §1.1b reserved
 * bits, §1.1c rights, §1.1d error code, §1.1e A/D), in three variants:
 * <ul>
 *   <li>{@link Variant#HARDWARE}: the processor's walk (HAP guests: the hardware walks the guest's own tables);</li>
 *   <li>{@link Variant#XEN}: Xen's {@code guest_walk_tables} (xen-hvm-fault-path.md §3.2): the architectural walk
 *       with Xen's deviations, selected by the caller through {@link Config} (guest MAXPHYADDR, no 1 GiB pages and
 *       PSE-36 reserved under shadow paging, PAE L3 from the cached PDPTEs, a table gfn that is not RAM ends the
 *       walk as a P=0 fault, A/D only after success);</li>
 *   <li>{@link Variant#XEN_2007}: the 3.0.4/3.1 walker (§3.4): it follows present entries to the leaf (PS honoured
 *       at L2 only) and computes no error code and checks no reserved bits; the caller decides with the accumulated
 *       flags.</li>
 * </ul>
 * Table entries are read through {@link GuestMemory}, so a HAP caller can raise a nested fault on a table read.
 */
public final class XenGuestWalk {

    /** Which walker. */
    public enum Variant { HARDWARE, XEN, XEN_2007 }

    /** Why the walk ended. */
    public enum Stop { LEAF, NOT_PRESENT, RESERVED, RIGHTS }

    /** Guest-physical memory as the walker sees it. */
    public interface GuestMemory {
        /**
         * Whether the frame holding a page table ({@code gfn}) can be mapped (Xen: {@code map_domain_gfn}: valid RAM
         * with a page; otherwise the walk ends with P=0, §3.2 "invalid gfn / no page → only synthetic bits kept").
         */
        boolean tableFrameOk(long gfn);

        /** One entry, {@code bytes} wide (4 or 8), at guest-physical address {@code gpa}. */
        long readEntry(long gpa, int bytes);
    }

    /**
     * The walk's configuration. {@code cpu} carries the (guest) MAXPHYADDR, vendor and 1 GiB support;
     * {@code pse36Reserved} makes bits 21:13 of a 32-bit 4 MiB PDE reserved (Xen shadow: "PSE36 reserved under
     * shadow", §3.2/§3.3); {@code pdpte} are the PAE PDPTE registers (null: read them from memory at CR3).
     */
    public record Config(Variant variant, CpuConfig cpu, boolean pse36Reserved, List<Long> pdpte) {
    }

    /** One entry the walk used: its level index from the root, guest-physical address, value. */
    public record Slot(int level, long gpa, long value, boolean leaf) {
    }

    /**
     * The result. {@code pfec} is the error code (access bits, P, RSVD, PK; Xen's synthetic bits never appear: the
     * caller adds PFEC_implicit handling itself). On {@link Stop#LEAF}: {@code gpa} the translated guest-physical
     * address, {@code pageSize}, the accumulated rights and the leaf entry ({@code leafEntry}: for a superpage the
     * large entry); {@code adUpdates} the A/D writes to make (gpa, new value, in order; empty on failure).
     */
    public record Result(Stop stop, int pfec, long gpa, long pageSize, boolean user, boolean writable,
            boolean executeDisable, long leafEntry, List<Slot> slots, List<long[]> adUpdates) {
        public boolean ok() {
            return stop == Stop.LEAF;
        }

        /** The guest frame the translation lands in. */
        public long gfn() {
            return gpa >>> 12;
        }

        /** The table frames (gfns) the walk read, root first (PAE: the PDPT frame is not one, §1.1e). */
        public List<Long> tableGfns() {
            List<Long> l = new ArrayList<>();
            for (Slot s : slots) {
                long g = s.gpa() >>> 12;
                if (!l.contains(g)) {
                    l.add(g);
                }
            }
            return l;
        }

        /** The slot of the leaf (or of the entry that stopped the walk). */
        public Slot last() {
            return slots.get(slots.size() - 1);
        }
    }

    private static final long P = 1;
    private static final long RW = 1L << 1;
    private static final long US = 1L << 2;
    private static final long XD = 1L << 63;

    private XenGuestWalk() {
    }

    /**
     * Walks {@code va} for access {@code a} ({@code a.cpl() == 3 && !a.implicit()} is a user access; an implicit
     * access is a supervisor one and SMAP ignores EFLAGS.AC for it).
     */
    public static Result walk(Config cfg, PagingControls c, GuestMemory mem, Access a) {
        PagingMode mode = c.mode();
        CpuConfig cpu = cfg.cpu();
        int mp = cpu.maxPhyAddr();
        long[] masks = ReservedBitTable.masksFor(cpu, c.eferNxe());
        int accessBits = ErrorCodeRule.accessBits(c, a);
        boolean legacy = cfg.variant() == Variant.XEN_2007;
        List<Slot> slots = new ArrayList<>(5);
        Level[] levels = Level.of(mode);
        long tableBase = UsedEntries.rootTableBase(mode, c.cr3(), mp);
        boolean effU = true;
        boolean effW = true;
        boolean effXd = false;
        boolean xdMeaningful = mode != PagingMode.LEGACY2 && c.eferNxe();
        for (int i = 0; i < levels.length; i++) {
            Level level = levels[i];
            long address = level.entryAddress(tableBase, a.va());
            long value;
            if (level == Level.PAE_PDPTE && cfg.pdpte() != null) {
                // §3.2 "PAE L3 from the cached 4 PDPTEs" (the PDPTE registers)
                value = cfg.pdpte().get((int) level.index(a.va()));
            } else {
                if (cfg.variant() != Variant.HARDWARE && !mem.tableFrameOk(address >>> 12)) {
                    // §3.2 map_domain_gfn failure: only synthetic bits are kept, the result is a P=0 fault
                    return fail(Stop.NOT_PRESENT, accessBits, slots);
                }
                value = mem.readEntry(address, level.entryBytes);
            }
            if ((value & P) == 0) {
                slots.add(new Slot(i, address, value, false));
                return fail(Stop.NOT_PRESENT, accessBits, slots);
            }
            boolean leaf = legacy ? legacyIsLeaf(level, value, c) : level.isLeaf(value, c, cpu);
            slots.add(new Slot(i, address, value, leaf));
            if (!legacy) {
                long rsvd = masks[ReservedBitTable.row(level, leaf).ordinal()];
                if (cfg.pse36Reserved() && level == Level.LEGACY_PDE && leaf) {
                    rsvd |= ReservedBitTable.bitsBetween(21, 13);   // §3.2 "PSE36 reserved under shadow"
                }
                if ((value & rsvd) != 0) {
                    return fail(Stop.RESERVED, ErrorCodeRule.reserved(accessBits), slots);
                }
            }
            if (level != Level.PAE_PDPTE) {
                effU &= (value & US) != 0;
                effW &= (value & RW) != 0;
                effXd |= xdMeaningful && (value & XD) != 0;
            }
            if (leaf) {
                long frame = level.leafFrame(value, legacy ? 52 : mp);
                long gpa = frame | (a.va() & (level.leafSize - 1));
                if (legacy) {
                    // §3.4: the 2007 walker computes no error code: the caller decides from the flags
                    return new Result(Stop.LEAF, accessBits | PfErrorCode.P, gpa, level.leafSize, effU, effW, effXd,
                            value, slots, List.of());
                }
                int leafKey = (int) ((value >>> 59) & 0xF);
                RightsTable.Verdict v = RightsTable.judge(c, a, effU, effW, effXd, leafKey);
                if (v.denied()) {
                    // §3.2 "No A/D writes on failed walks"
                    return new Result(Stop.RIGHTS, ErrorCodeRule.rights(accessBits, v.keyDenied()), gpa,
                            level.leafSize, effU, effW, effXd, value, slots, List.of());
                }
                return new Result(Stop.LEAF, accessBits | PfErrorCode.P, gpa, level.leafSize, effU, effW, effXd,
                        value, slots, adUpdates(slots, a.kind() == AccessKind.WRITE, mode));
            }
            tableBase = level.nextTableBase(value, legacy ? 52 : mp);
        }
        throw new IllegalStateException("the last level of " + mode + " is always a leaf");
    }

    /** §3.4: the 2007 walker treats PS as a superpage only in an L2 entry (PS in L3/L4 is ignored). */
    private static boolean legacyIsLeaf(Level level, long value, PagingControls c) {
        return switch (level) {
            case LEGACY_PTE, PAE_PTE, PTE -> true;
            case LEGACY_PDE -> (value & Level.PS) != 0 && c.cr4Pse();
            case PAE_PDE, PDE -> (value & Level.PS) != 0;
            default -> false;
        };
    }

    private static Result fail(Stop stop, int pfec, List<Slot> slots) {
        return new Result(stop, pfec, 0, 0, false, false, false, 0, slots, List.of());
    }

    /**
     * §1.1e / §3.2 "A/D bits: only after a successful walk. Leaf: A, and D if write; upper levels: A only; PAE
     * PDPTEs none; an entry already set is not rewritten". An entry used at two levels gets both updates.
     */
    static List<long[]> adUpdates(List<Slot> slots, boolean write, PagingMode mode) {
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < slots.size(); i++) {
            Slot s = slots.get(i);
            if (mode == PagingMode.PAE && s.level() == 0) {
                continue;
            }
            long bits = AccessedDirtyRule.A | (write && s.leaf() ? AccessedDirtyRule.D : 0);
            long old = s.value();
            for (long[] u : out) {
                if (u[0] == s.gpa()) {
                    old = u[1];
                }
            }
            if ((old | bits) != old) {
                out.add(new long[] {s.gpa(), old | bits, s.leaf() ? 1 : 0});
            }
        }
        return out;
    }

    /**
     * The A/D writes a successful walk makes (for the 2007 walker, whose A/D updates happen during shadow
     * propagation, §3.4 "A/D set in guest by guest_set_ad_bits").
     */
    public static List<long[]> adUpdatesFor(Result r, boolean write, PagingMode mode) {
        return adUpdates(r.slots(), write, mode);
    }

    /**
     * §1.1c/§1.1d for a translation the TLB already holds: the #PF error code its cached rights give this access
     * under the current controls (CR0.WP, SMEP, SMAP, EFLAGS.AC and PKRU/PKRS apply at access time, §1.1f), or -1
     * when they allow it.
     */
    public static int cachedRightsFault(PagingControls c, Access a, boolean effU, boolean effW, boolean effXd,
            int key) {
        boolean xd = effXd && c.mode() != PagingMode.LEGACY2 && c.eferNxe();
        RightsTable.Verdict v = RightsTable.judge(c, a, effU, effW, xd, key);
        return v.denied() ? ErrorCodeRule.rights(ErrorCodeRule.accessBits(c, a), v.keyDenied()) : -1;
    }

    /** Convenience: the page size of a result as a name (4K, 2M, ...). */
    public static String pageSizeName(Result r) {
        return PageSizes.name(r.pageSize());
    }

    /** §1.1d: the access bits (W, U, I) of an access under these controls. */
    public static int accessBits(PagingControls c, Access a) {
        return ErrorCodeRule.accessBits(c, a);
    }

    /** §1.1a: whether {@code va} is canonical in {@code mode}. */
    public static boolean canonical(PagingMode mode, long va) {
        return ReferenceWalk.isCanonical(mode, va);
    }
}
