package xpf.sim.x86;

import java.util.List;
import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;
import xpf.sim.x86.PagingGeometry.LevelGeometry;

/**
 * The hardware's two-dimensional walk with nested paging (AMD NPT, Intel EPT): the guest's own walk of §1.1a-§1.1e
 * over guest-physical memory, where every guest-physical access (each paging-structure read, each A/D update, the
 * final access) is translated by the nested tables the hypervisor supplies. A guest walk failure is an ordinary
 * guest #PF (no hypervisor involved); a nested translation failure is a nested fault, which leaves the guest.
 *
 * <p>Modelling choices: no TLB (every access walks, so TLB staleness under nested paging is not modelled); the PAE
 * PDPTE registers are passed in by the caller (EPT: loaded at MOV CR3), or null (NPT: read from memory by each
 * walk); A/D updates of the guest entries are made after
 * the rights check and before the final access is translated, each a nested write; paging-structure accesses are
 * reported as data reads (A/D updates as writes) made by a user (AMD: nested walks are user accesses [MEM]).
 */
@Rule({"1.1a", "1.1b", "1.1c", "1.1d", "1.1e"})
public final class NestedPaging {

    /** The nested mapping of one guest frame as the hardware sees it (null from the tables: not present). */
    public record NestedEntry(long hfn, boolean read, boolean write, boolean execute) {
        public boolean allows(AccessKind k) {
            return switch (k) {
                case READ -> read;
                case WRITE -> write;
                case FETCH -> execute;
            };
        }
    }

    /** The hypervisor's nested tables (NPT / EPT): gfn → entry, or null if not present. */
    @FunctionalInterface
    public interface NestedTables {
        NestedEntry lookup(long gfn);
    }

    /**
     * A nested fault: the guest-physical address, the guest-linear one (when known), the kind of the nested access,
     * whether it was the final access (else a guest paging-structure access), and the nested entry found (null if
     * none was present).
     */
    public record NestedFault(long gpa, long gla, AccessKind kind, boolean finalAccess, NestedEntry entry,
            boolean guestFetch) {
        public boolean present() {
            return entry != null;
        }
    }

    /** How one access ended. */
    public enum Status { OK, PAGE_FAULT, NESTED_FAULT, GP, SS }

    /**
     * The result: {@code hpa} on success; the guest's #PF error code and CR2 ({@code la}) on a guest fault; the nested
     * fault otherwise.
     */
    public record Result(Status status, long hpa, long gpa, int errorCode, long la, NestedFault nested) {
        public boolean ok() {
            return status == Status.OK;
        }
    }

    private NestedPaging() {
    }

    /**
     * Translates one access of a guest with the given controls ({@code pagingEnabled} false: linear = guest-physical).
     *
     * @param pdpte the guest's four PAE PDPTE registers (PAE only); null when the processor keeps none and reads the
     *              PDPTE from guest memory on every walk, with the reserved-bit check of a walk (#PF P|RSVD) and no
     *              A bit (AMD nested paging of a legacy-PAE guest: see {@code HvmHardware.translate})
     */
    public static Result translate(PhysicalMemory mem, CpuConfig cpu, PagingControls c, boolean pagingEnabled,
            long[] pdpte, Access a, NestedTables npt) {
        long la = a.va();
        if (!pagingEnabled) {
            la &= 0xFFFFFFFFL;
            return finalAccess(npt, a, la, la);
        }
        PagingMode mode = c.mode();
        if (!PagingGeometry.canonical(mode, la)) {
            return new Result(a.stack() ? Status.SS : Status.GP, 0, 0, 0, la, null);
        }
        if (!PagingGeometry.ia32e(mode)) {
            la &= 0xFFFFFFFFL;
        }
        int m = cpu.maxPhyAddr();
        int base = ErrorCodes.base(a, c);
        List<LevelGeometry> geo = PagingGeometry.levels(mode);
        int width = mode.entryBytes();
        long[] slots = new long[geo.size()];
        long[] values = new long[geo.size()];
        int used = 0;
        boolean user = true;
        boolean writable = true;
        boolean xd = false;
        boolean nx = c.eferNxe() && mode != PagingMode.LEGACY2;
        long table = PagingGeometry.rootBase(mode, c.cr3(), m);
        for (LevelGeometry g : geo) {
            boolean paePdpte = mode == PagingMode.PAE && g.level() == EntryLevel.PDPTE;
            boolean pdpteRegister = paePdpte && pdpte != null;
            long slot = table + g.index(la) * width;
            long e;
            if (pdpteRegister) {
                e = pdpte[(int) g.index(la)];
            } else {
                NestedEntry ne = npt.lookup(slot >>> 12);
                if (ne == null || !ne.read()) {
                    return nested(slot, la, AccessKind.READ, false, ne, a);
                }
                long hpa = (ne.hfn() << 12) | (slot & 0xFFF);
                e = width == 4 ? mem.read(hpa, 4) : mem.readWord(hpa);
            }
            if ((e & EntryBits.P) == 0) {
                return new Result(Status.PAGE_FAULT, 0, 0, base, la, null);
            }
            if (!pdpteRegister && (e & ReservedBits.mask(mode, g.level(), e, cpu, c)) != 0) {
                return new Result(Status.PAGE_FAULT, 0, 0, base | PfErrorCode.P | PfErrorCode.RSVD, la, null);
            }
            if (!paePdpte) {
                user &= (e & EntryBits.US) != 0;
                writable &= (e & EntryBits.RW) != 0;
                xd |= nx && (e & EntryBits.XD) != 0;
                slots[used] = slot;
                values[used] = e;
                used++;
            }
            if (ReservedBits.isLeaf(mode, g.level(), e, c)) {
                int pkey = PagingGeometry.ia32e(mode) ? EntryBits.pkey(e) : 0;
                int deny = AccessRights.check(a, new AccessRights.Effective(user, writable, xd, pkey), c,
                        PagingGeometry.ia32e(mode));
                if (deny != 0) {
                    return new Result(Status.PAGE_FAULT, 0, 0, base | deny, la, null);
                }
                Result ad = setAccessedDirty(mem, npt, slots, values, used, width, a, la);
                if (ad != null) {
                    return ad;
                }
                long gpa = PageWalker.leafAddress(mode, g.level(), e, la, g.span(), m);
                return finalAccess(npt, a, gpa, la);
            }
            table = PagingGeometry.nextTableBase(mode, e, m);
        }
        throw new IllegalStateException("walk fell off the last level");
    }

    /** §1.1e strict: A on every entry used, D on the leaf for a write; each update is a nested write. */
    private static Result setAccessedDirty(PhysicalMemory mem, NestedTables npt, long[] slots, long[] values,
            int used, int width, Access a, long la) {
        for (int i = 0; i < used; i++) {
            long bits = EntryBits.A | (a.kind() == AccessKind.WRITE && i == used - 1 ? EntryBits.D : 0);
            if ((values[i] & bits) == bits) {
                continue;
            }
            NestedEntry ne = npt.lookup(slots[i] >>> 12);
            if (ne == null || !ne.write()) {
                return nested(slots[i], la, AccessKind.WRITE, false, ne, a);
            }
            long hpa = (ne.hfn() << 12) | (slots[i] & 0xFFF);
            mem.compareAndSet(hpa, width, values[i], values[i] | bits);
        }
        return null;
    }

    private static Result finalAccess(NestedTables npt, Access a, long gpa, long la) {
        NestedEntry ne = npt.lookup(gpa >>> 12);
        if (ne == null || !ne.allows(a.kind())) {
            return nested(gpa, la, a.kind(), true, ne, a);
        }
        return new Result(Status.OK, (ne.hfn() << 12) | (gpa & 0xFFF), gpa, 0, la, null);
    }

    private static Result nested(long gpa, long la, AccessKind kind, boolean finalAccess, NestedEntry ne, Access a) {
        return new Result(Status.NESTED_FAULT, 0, gpa, 0, la,
                new NestedFault(gpa, la, kind, finalAccess, ne, a.kind() == AccessKind.FETCH));
    }
}
