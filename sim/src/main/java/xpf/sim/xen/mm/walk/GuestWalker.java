package xpf.sim.xen.mm.walk;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;
import xpf.sim.x86.AccessRights;
import xpf.sim.x86.EntryBits;
import xpf.sim.x86.EntryLevel;
import xpf.sim.x86.PageWalker;
import xpf.sim.x86.PagingGeometry;
import xpf.sim.x86.PagingGeometry.LevelGeometry;
import xpf.sim.x86.PhysicalMemory;
import xpf.sim.x86.ReservedBits;
import xpf.sim.xen.XenFunction;
import xpf.sim.xen.mm.PagingProfile;
import xpf.sim.xen.mm.p2m.P2m;
import xpf.sim.xen.mm.p2m.P2mEntry;
import xpf.sim.xen.mm.p2m.P2mType;

/**
 * Xen's software page walker {@code guest_walk_tables} (xen/arch/x86/mm/guest_walk.c; xen-hvm-fault-path.md §3.2):
 * the x86 rules of x86-paging.md §1.1 (the reserved masks, rights and error-code pieces of {@code xpf.sim.x86} are
 * reused) over guest tables that hold gfns, read through the p2m, with Xen's deviations:
 * <ul>
 *   <li>the walk input is masked to {implicit, I, U, W}; {@code gw->pfec} starts as U|W and gets I only when the
 *       guest has NX (PAE/long with EFER.NXE) or SMEP;</li>
 *   <li>under shadow paging no 1 GiB leaves (L3 PS is reserved) and PSE-36 bits of a 4 MiB PDE are reserved;</li>
 *   <li>a next-level table whose gfn is not RAM ends the walk as a P=0 fault keeping only synthetic bits
 *       ({@code PFEC_page_paged} / {@code PFEC_page_shared}, which must never reach a guest);</li>
 *   <li>A/D only after a successful walk, with the per-level rules of §3.2, marking the table page dirty.</li>
 * </ul>
 * The {@code xen-3.1} profile's walker (§3.4) neither checks reserved bits nor rights nor computes an error code;
 * bug switches re-create historic walker bugs exactly where they were.
 */
public final class GuestWalker {

    /**
     * What a walk needs to know about the vCPU and Xen.
     *
     * @param mode     the guest's paging mode; null when guest paging is off (Xen walks its identity table then)
     * @param pdpte    PAE: the PDPTEs Xen cached at the guest's last CR3 load
     * @param guestCpu vendor, the guest's MAXPHYADDR and whether 1 GiB leaves are usable (never under shadow)
     * @param shadow   the walk is for shadow paging (PSE-36 reserved)
     * @param hostNxe  Xen's own EFER.NXE (what leaked into walks before a0b40c3e08)
     */
    public record WalkContext(PagingMode mode, PagingControls controls, long[] pdpte, CpuConfig guestCpu,
            boolean shadow, boolean hostNxe, PagingProfile profile, Predicate<String> bug) {
    }

    /** Address bits taken from entries: reserved bits above MAXPHYADDR are checked separately (§1.1b). */
    private static final int ADDRESS_BITS = 52;

    private GuestWalker() {
    }

    /** The access an x86 rule check sees for walk flags {@code walk} (PFEC_user_mode, _write_access, _insn_fetch). */
    static Access accessOf(long va, int walk) {
        AccessKind k = (walk & PfErrorCode.I) != 0 ? AccessKind.FETCH
                : (walk & PfErrorCode.W) != 0 ? AccessKind.WRITE : AccessKind.READ;
        boolean implicit = (walk & PfErrorCode.XEN_IMPLICIT) != 0;
        return new Access(va, k, (walk & PfErrorCode.U) != 0 ? 3 : 0, implicit, false);
    }

    /**
     * Walks {@code va} with walk flags {@code walk}.
     *
     * @param setAd false for a walk without side effects (prefetch, validation, invariant checks)
     */
    @XenFunction(symbol = "guest_walk_tables", file = "xen/arch/x86/mm/guest_walk.c", version = "3.1, 4.22")
    public static GuestWalk guestWalkTables(WalkContext ctx, P2m p2m, PhysicalMemory mem, long va, int walk,
            boolean setAd) {
        return guestWalkTables(ctx, p2m, mem, va, walk, setAd, null);
    }

    /**
     * The upper levels of the last walk that reached its last-level table, kept by a caller that walks many pages of
     * the same guest L1 in a row without changing guest memory or the p2m in between ({@code sh_prefetch}'s
     * neighbours, the invariant sweep over a root's shadows in page order). Such a walk reads the same upper
     * entries, makes the same p2m lookups (side-effect free after the first walk made them: a populated or unshared
     * table is plain RAM from then on) and accumulates the same rights, so only the L1 entry is read again. A model
     * cache, not a Xen structure; valid only for walks without A/D updates, for one {@link WalkContext} and walk
     * flags, and only while the caller guarantees nothing else changes.
     */
    public static final class UpperLevels {
        private WalkContext ctx;
        private int walk;
        private long key = -1;
        private List<GuestWalk.GuestEntry> seen;
        private boolean user;
        private boolean writable;
        private boolean xd;
        private long tableGfn;
        private long tableOffset;
        private P2mEntry table;

        boolean matches(WalkContext c, int w, long k) {
            return ctx == c && walk == w && key == k;
        }
    }

    /**
     * {@link #guestWalkTables(WalkContext, P2m, PhysicalMemory, long, int, boolean)}, reusing (and refreshing)
     * {@code upper} when it is non-null and {@code setAd} is false: the result is the one a full walk gives.
     */
    public static GuestWalk guestWalkTables(WalkContext ctx, P2m p2m, PhysicalMemory mem, long va, int walk,
            boolean setAd, UpperLevels upper) {
        if (setAd) {
            upper = null; // A/D updates change the upper entries a later walk would read
        }
        PagingProfile prof = ctx.profile();
        PagingControls c = ctx.controls();
        walk &= PfErrorCode.XEN_IMPLICIT | PfErrorCode.I | PfErrorCode.U | PfErrorCode.W;
        int pfec = walk & (PfErrorCode.U | PfErrorCode.W);
        if (ctx.bug().test("pfec-implicit-leak")) {
            pfec |= walk & PfErrorCode.XEN_IMPLICIT; // b706e1c6af: the synthetic bit was kept in gw->pfec
        }
        PagingMode mode = ctx.mode();
        // a0b40c3e08 / fd32dcfe4c: before them Xen's own NXE was in effect for the guest's walk.
        boolean nxe = ctx.bug().test("id-without-nxe") ? ctx.hostNxe() : c.eferNxe();
        boolean guestNx = mode != null && mode != PagingMode.LEGACY2 && nxe;
        if ((walk & PfErrorCode.I) != 0 && (guestNx || c.cr4Smep())) {
            pfec |= PfErrorCode.I;
        }
        if (mode == null) {
            return unpaged(va, pfec);
        }
        PagingControls rc = c.withNxe(nxe);
        boolean ia32e = PagingGeometry.ia32e(mode);
        long la = ia32e ? va : va & 0xFFFFFFFFL;
        int m = ctx.guestCpu().maxPhyAddr();
        int width = mode.entryBytes();
        List<GuestWalk.GuestEntry> seen = new ArrayList<>();
        boolean user = true;
        boolean writable = true;
        boolean xd = false;
        long tableGfn = PagingGeometry.rootBase(mode, c.cr3(), m) >>> 12;
        long tableOffset = PagingGeometry.rootBase(mode, c.cr3(), m) & 0xFFF;
        List<LevelGeometry> levels = PagingGeometry.levels(mode);
        int last = levels.size() - 1;
        LevelGeometry l1 = levels.get(last);
        long key = la >>> (l1.shift() + l1.indexBits());
        int from = 0;
        P2mEntry cachedTable = null;
        if (upper != null) {
            if (upper.matches(ctx, walk, key)) {
                seen.addAll(upper.seen);
                user = upper.user;
                writable = upper.writable;
                xd = upper.xd;
                tableGfn = upper.tableGfn;
                tableOffset = upper.tableOffset;
                cachedTable = upper.table;
                from = last;
            } else {
                upper.ctx = null;
            }
        }
        for (int li = from; li <= last; li++) {
            LevelGeometry g = levels.get(li);
            boolean pdpteRegister = mode == PagingMode.PAE && g.level() == EntryLevel.PDPTE;
            long e;
            long slot = -1;
            long tableMfn = -1;
            if (pdpteRegister) {
                e = ctx.pdpte()[(int) g.index(la)];
            } else {
                P2mEntry t = cachedTable != null ? cachedTable
                        : p2m.getGfnTypeAccess(tableGfn, P2m.Query.ALLOC_UNSHARE);
                // map_domain_gfn (xen/arch/x86/mm/p2m.c, Xen 4.2+; guest_walk.c before): after the ALLOC_UNSHARE
                // lookup, a paging type populates and fails with PFEC_page_paged, and a gfn still shared (the
                // unshare failed) fails with PFEC_page_shared (p2m_is_shared) instead of being mapped and walked.
                if (!t.type().isRam() || !t.mfnValid() || t.type().isPaging() || t.type() == P2mType.RAM_SHARED) {
                    // map_domain_gfn failed: only synthetic bits are kept, the result is a P=0 fault.
                    int synth = t.type().isPaging() ? PfErrorCode.XEN_PAGE_PAGED
                            : t.type() == P2mType.RAM_SHARED ? PfErrorCode.XEN_PAGE_SHARED : 0;
                    if (t.type().isPaging()) {
                        p2m.memPagingPopulate(tableGfn);
                    }
                    return failed(va, pfec | synth, seen, g.level(), ctx, mem, setAd, p2m);
                }
                if (upper != null && li == last && cachedTable == null) {
                    upper.ctx = ctx;
                    upper.walk = walk;
                    upper.key = key;
                    upper.seen = List.copyOf(seen);
                    upper.user = user;
                    upper.writable = writable;
                    upper.xd = xd;
                    upper.tableGfn = tableGfn;
                    upper.tableOffset = tableOffset;
                    upper.table = t;
                }
                tableMfn = t.mfn();
                slot = (tableMfn << 12) + tableOffset + g.index(la) * width;
                e = width == 4 ? mem.read(slot, 4) : mem.readWord(slot);
            }
            seen.add(new GuestWalk.GuestEntry(g.level(), e, slot, tableGfn, tableMfn));
            long rsvd = reserved(ctx, rc, mode, g.level(), e);
            if ((e & EntryBits.P) == 0) {
                // 51ce0a98c8/b38c115140: reserved bits of a non-present entry used to be checked.
                if (ctx.bug().test("rsvd-on-not-present") && (e & rsvd) != 0) {
                    return failed(va, pfec | PfErrorCode.P | PfErrorCode.RSVD, seen, g.level(), ctx, mem, setAd,
                            p2m);
                }
                return failed(va, pfec, seen, g.level(), ctx, mem, setAd, p2m);
            }
            if (!pdpteRegister && (e & rsvd) != 0) {
                return failed(va, pfec | PfErrorCode.P | PfErrorCode.RSVD, seen, g.level(), ctx, mem, setAd, p2m);
            }
            if (!pdpteRegister) {
                user &= (e & EntryBits.US) != 0;
                writable &= (e & EntryBits.RW) != 0;
                xd |= guestNx && (e & EntryBits.XD) != 0;
            }
            if (leaf(ctx, rc, mode, g.level(), e)) {
                int pkey = ia32e ? EntryBits.pkey(e) : 0;
                AccessRights.Effective rights = new AccessRights.Effective(user, writable, xd, pkey);
                long size = g.span();
                long gpa = PageWalker.leafAddress(mode, g.level(), e, la, size, ADDRESS_BITS);
                pfec |= PfErrorCode.P;
                if (prof.walkChecksRights()) {
                    int deny = AccessRights.check(accessOf(la, walk), rights, rc, ia32e);
                    if (deny != 0) {
                        return onFailure(new GuestWalk(false, pfec | deny, va, gpa >>> 12, gpa, seen, e, g.level(),
                                size, rights, null), ctx, mem, setAd, p2m);
                    }
                }
                GuestWalk ok = new GuestWalk(true, pfec, va, gpa >>> 12, gpa, seen, e, g.level(), size, rights,
                        null);
                if (setAd && prof.walkSetsAccessedDirty()) {
                    setAccessedDirty(ok, (walk & PfErrorCode.W) != 0, mode, mem, p2m);
                }
                return ok;
            }
            tableGfn = PagingGeometry.nextTableBase(mode, e, ADDRESS_BITS) >>> 12;
            tableOffset = 0;
        }
        throw new IllegalStateException("walk fell off the last level");
    }

    private static GuestWalk unpaged(long va, int pfec) {
        // Guest paging off: Xen's identity table of 4 MiB superpages, P|RW|US|A|D (shadow/common.c).
        long gpa = va & 0xFFFFFFFFL;
        return new GuestWalk(true, pfec | PfErrorCode.P, va, gpa >>> 12, gpa, List.of(),
                EntryBits.P | EntryBits.RW | EntryBits.US | EntryBits.A | EntryBits.D, EntryLevel.PTE, 1L << 12,
                new AccessRights.Effective(true, true, false, 0), null);
    }

    private static GuestWalk failed(long va, int pfec, List<GuestWalk.GuestEntry> seen, EntryLevel at,
            WalkContext ctx, PhysicalMemory mem, boolean setAd, P2m p2m) {
        return onFailure(new GuestWalk(false, pfec, va, -1, -1, seen, 0, null, 0, null, at), ctx, mem, setAd, p2m);
    }

    /**
     * A failed walk writes nothing back (31b083a50c, Nov 2007: "A never written back unless the walk succeeds"); the
     * {@code a-bit-on-fault} switch re-creates the bug: A set on every present entry read before the failure.
     */
    private static GuestWalk onFailure(GuestWalk w, WalkContext ctx, PhysicalMemory mem, boolean setAd, P2m p2m) {
        if (setAd && ctx.bug().test("a-bit-on-fault") && ctx.mode() != null) {
            setAd(w.entries(), null, false, ctx.mode(), mem, p2m);
        }
        return w;
    }

    /** Xen's reserved mask for an entry: the architectural one with Xen's deviations, bugs and profile applied. */
    static long reserved(WalkContext ctx, PagingControls rc, PagingMode mode, EntryLevel level, long e) {
        if (!ctx.profile().walkChecksReservedBits()) {
            return 0;
        }
        long r = ReservedBits.mask(mode, level, e, ctx.guestCpu(), rc);
        boolean ps = (e & EntryBits.PS) != 0;
        if (ctx.shadow() && mode == PagingMode.LEGACY2 && level == EntryLevel.PDE && rc.cr4Pse() && ps) {
            r |= EntryBits.bits(21, 13); // shadow: PSE-36 address bits treated as reserved (guest_pt.h)
        }
        if (ctx.bug().test("xsa-176")) {
            // CVE-2016-4480: PS in an L4e, and in an L3e without 1 GiB support, was ignored, not reserved.
            if (level == EntryLevel.PML4E || (level == EntryLevel.PDPTE && !ctx.guestCpu().page1gb())) {
                r &= ~EntryBits.PS;
            }
        }
        return r;
    }

    static boolean leaf(WalkContext ctx, PagingControls rc, PagingMode mode, EntryLevel level, long e) {
        if (level == EntryLevel.PDPTE && PagingGeometry.ia32e(mode) && !ctx.guestCpu().page1gb()) {
            return false; // no 1 GiB leaves (PS is reserved, or ignored by the buggy / 2007 walker)
        }
        return ReservedBits.isLeaf(mode, level, e, rc);
    }

    /** §3.2 A/D rules after a successful walk: each update a cmpxchg that marks the table page dirty. */
    private static void setAccessedDirty(GuestWalk w, boolean write, PagingMode mode, PhysicalMemory mem, P2m p2m) {
        setAd(w.entries(), w.leafLevel(), write, mode, mem, p2m);
    }

    static void setAd(List<GuestWalk.GuestEntry> entries, EntryLevel leafLevel, boolean write, PagingMode mode,
            PhysicalMemory mem, P2m p2m) {
        int width = mode.entryBytes();
        for (GuestWalk.GuestEntry ge : entries) {
            if (ge.slot() < 0 || (ge.value() & EntryBits.P) == 0) {
                continue; // PAE PDPTEs come from registers and get no A/D
            }
            long bits = EntryBits.A;
            if (write && ge.level() == leafLevel && ge.level() != EntryLevel.PML4E) {
                bits |= EntryBits.D;
            }
            long old = ge.value();
            if ((old & bits) != bits && mem.compareAndSet(ge.slot(), width, old, old | bits)) {
                p2m.markDirty(ge.tableGfn());
            }
        }
    }

    /** The 3.0.4-era {@code guest_set_ad_bits}, applied during propagation: same rules, other moment. */
    @XenFunction(symbol = "guest_set_ad_bits", file = "xen/arch/x86/mm/shadow/multi.c", version = "3.1")
    public static void guestSetAdBits(GuestWalk w, boolean write, PagingMode mode, PhysicalMemory mem, P2m p2m) {
        if (mode != null && w.ok()) {
            setAd(w.entries(), w.leafLevel(), write, mode, mem, p2m);
        }
    }
}
