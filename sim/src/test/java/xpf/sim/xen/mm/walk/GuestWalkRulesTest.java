package xpf.sim.xen.mm.walk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;
import xpf.model.x86.Vendor;
import xpf.sim.x86.EntryBits;
import xpf.sim.x86.EntryLevel;
import xpf.sim.xen.mm.p2m.P2mEntry;
import xpf.sim.xen.mm.p2m.P2mType;

/**
 * More of {@code guest_walk_tables} (xen-hvm-fault-path.md §3.2) than {@link GuestWalkTablesTest} pins: rights
 * accumulated over the levels (U and RW by AND, NX by OR), superpage leaves and their A/D, A/D written only where a
 * bit changes, 2-level guests (4-byte entries, no NX), the walk with guest paging off, shared and paged table gfns,
 * and the walk flags an x86 rule check sees.
 */
class GuestWalkRulesTest extends GuestTablesFixture {
    static final long XD = EntryBits.XD;

    GuestWalker.WalkContext ctx(PagingControls c) {
        return new GuestWalker.WalkContext(c.mode(), c, new long[4], new CpuConfig(Vendor.INTEL, 40, false), true,
                true, GuestWalkTablesTest.MODERN, bugs::contains);
    }

    static PagingControls long4() {
        return PagingControls.long4(0x100L << 12).withWp(true).withNxe(true);
    }

    GuestWalk walk(PagingControls c, long va, int pfec) {
        return GuestWalker.guestWalkTables(ctx(c), p2m, mem, va, pfec, true);
    }

    @Test
    @DisplayName("hvm.3.2 U accumulates by AND: an L3 without US denies a user read (P|U)")
    void userByAnd() {
        long4(UP, P | RW, UP, UP | A | D);
        GuestWalk w = walk(long4(), 0x400000, PfErrorCode.U);
        assertThat(w.ok()).isFalse();
        assertThat(w.pfec()).isEqualTo(PfErrorCode.P | PfErrorCode.U);
        assertThat(w.rights().user()).isFalse();
        assertThat(walk(long4(), 0x400000, 0).ok()).as("a supervisor read is fine").isTrue();
    }

    @Test
    @DisplayName("hvm.3.2 RW accumulates by AND: an L2 without RW denies a user write (P|W|U)")
    void writableByAnd() {
        long4(UP, UP, P | US, UP | A | D);
        GuestWalk w = walk(long4(), 0x400000, PfErrorCode.W | PfErrorCode.U);
        assertThat(w.pfec()).isEqualTo(PfErrorCode.P | PfErrorCode.W | PfErrorCode.U);
        assertThat(w.rights().writable()).isFalse();
        assertThat(w.rights().user()).isTrue();
    }

    @Test
    @DisplayName("hvm.3.2 NX accumulates by OR: NX in the L4 forbids a fetch (P|U|I); without guest NXE bit 63 is "
            + "reserved")
    void nxByOr() {
        long4(UP | XD, UP, UP, UP | A | D);
        GuestWalk w = walk(long4(), 0x400000, PfErrorCode.I | PfErrorCode.U);
        assertThat(w.pfec()).isEqualTo(PfErrorCode.P | PfErrorCode.U | PfErrorCode.I);
        assertThat(w.rights().executeDisable()).isTrue();
        assertThat(walk(long4(), 0x400000, PfErrorCode.U).ok()).as("a read is fine").isTrue();
        long4(UP, UP, UP, UP | A | D);
        GuestWalk ok = walk(long4(), 0x400000, PfErrorCode.I | PfErrorCode.U);
        assertThat(ok.ok()).isTrue();
        assertThat(ok.rights().executeDisable()).isFalse();
    }

    @Test
    @DisplayName("hvm.3.2 a 2 MiB leaf: gfn from the large entry plus the offset; A on the upper levels, D on the "
            + "leaf L2 for a write")
    void superpageLeaf() {
        set(0x100, 0, (0x101L << 12) | UP);
        set(0x101, 0, (0x102L << 12) | UP);
        set(0x102, 2, (0x400L << 12) | UP | PS);
        GuestWalk w = walk(long4(), 0x412345, PfErrorCode.W);
        assertThat(w.ok()).isTrue();
        assertThat(w.superpage()).isTrue();
        assertThat(w.leafLevel()).isEqualTo(EntryLevel.PDE);
        assertThat(w.gfn()).isEqualTo(0x412);
        assertThat(w.gpa()).isEqualTo(0x412345);
        assertThat(w.pageSize()).isEqualTo(1L << 21);
        assertThat(w.pfec()).isEqualTo(PfErrorCode.P | PfErrorCode.W);
        assertThat(get(0x100, 0) & (A | D)).isEqualTo(A);
        assertThat(get(0x101, 0) & (A | D)).as("L3 is no leaf: A only").isEqualTo(A);
        assertThat(get(0x102, 2) & (A | D)).isEqualTo(A | D);
        assertThat(w.tableMfns()).containsExactly(0x10100L, 0x10101L, 0x10102L);
        set(0x102, 2, (0x400L << 12) | UP | PS);
        walk(long4(), 0x412345, 0);
        assertThat(get(0x102, 2) & (A | D)).as("a read sets A only").isEqualTo(A);
    }

    @Test
    @DisplayName("hvm.3.2 A/D: each update marks its table dirty; entries that already have the bits are not "
            + "written and mark nothing")
    void adOnlyWhereChanged() {
        long4(UP | A, UP | A, UP | A, UP | A | D);
        GuestWalk w = walk(long4(), 0x400000, PfErrorCode.W);
        assertThat(w.ok()).isTrue();
        assertThat(p2m.dirtyGfns()).isEmpty();
        long4(UP | A, UP, UP | A, UP | A);
        walk(long4(), 0x400000, PfErrorCode.W);
        assertThat(p2m.dirtyGfns()).containsExactly(0x101L, 0x103L);
        assertThat(get(0x103, 0) & D).isEqualTo(D);
    }

    @Test
    @DisplayName("hvm.3.2 a walk without side effects (prefetch, validation) sets no A/D")
    void noSideEffects() {
        long4(UP, UP, UP, UP);
        GuestWalk w = GuestWalker.guestWalkTables(ctx(long4()), p2m, mem, 0x400000, PfErrorCode.W, false);
        assertThat(w.ok()).isTrue();
        assertThat(get(0x103, 0) & (A | D)).isZero();
        assertThat(p2m.dirtyGfns()).isEmpty();
    }

    @Test
    @DisplayName("hvm.3.2 2-level guest: 4-byte entries, no NX (I only with SMEP), CR3's table at gfn 0x100")
    void twoLevel() {
        PagingControls c = PagingControls.long4(0x100L << 12).withMode(PagingMode.LEGACY2).withWp(true)
                .withNxe(true);
        // va 0x00801234: PDE index 2, PTE index 1
        mem.write(((0x10000 + 0x100L) << 12) + 2 * 4, 4, (0x101L << 12) | UP);
        mem.write(((0x10000 + 0x101L) << 12) + 4, 4, (0x1f0L << 12) | UP);
        GuestWalk w = GuestWalker.guestWalkTables(ctx(c), p2m, mem, 0x00801234L, PfErrorCode.I | PfErrorCode.U,
                true);
        assertThat(w.ok()).isTrue();
        assertThat(w.gpa()).isEqualTo(0x1f0234);
        assertThat(w.superpage()).as("a 4 KiB leaf").isFalse();
        assertThat(w.gl1e() & ~0xFFFL).isEqualTo(0x1f0000L);
        assertThat(w.pfec()).as("no guest NX in 2-level mode: no I").isEqualTo(PfErrorCode.P | PfErrorCode.U);
        assertThat(mem.read(((0x10000 + 0x101L) << 12) + 4, 4) & A).isEqualTo(A);
        assertThat(mem.read(((0x10000 + 0x101L) << 12), 4)).as("the neighbour entry is untouched").isZero();
        GuestWalk smep = GuestWalker.guestWalkTables(ctx(c.withSmep(true)), p2m, mem, 0x00801234L,
                PfErrorCode.I | PfErrorCode.U, false);
        assertThat(smep.pfec()).isEqualTo(PfErrorCode.P | PfErrorCode.U | PfErrorCode.I);
    }

    @Test
    @DisplayName("hvm.1.1 guest paging off: Xen's identity map, gpa = va (32 bits), P|RW|US|A|D, always succeeds")
    void unpaged() {
        PagingControls c = PagingControls.long4(0).withWp(true);
        GuestWalker.WalkContext x = new GuestWalker.WalkContext(null, c, new long[4], new CpuConfig(Vendor.AMD, 40,
                false), true, true, GuestWalkTablesTest.MODERN, bugs::contains);
        GuestWalk w = GuestWalker.guestWalkTables(x, p2m, mem, 0x1_0040_2345L, PfErrorCode.W | PfErrorCode.U,
                true);
        assertThat(w.ok()).isTrue();
        assertThat(w.gpa()).isEqualTo(0x402345);
        assertThat(w.gfn()).isEqualTo(0x402);
        assertThat(w.pfec()).isEqualTo(PfErrorCode.P | PfErrorCode.W | PfErrorCode.U);
        assertThat(w.leaf()).isEqualTo(P | RW | US | A | D);
        assertThat(w.rights().user()).isTrue();
        assertThat(w.rights().writable()).isTrue();
        assertThat(w.entries()).isEmpty();
        GuestWalker.guestSetAdBits(w, true, null, mem, p2m);
        assertThat(p2m.dirtyGfns()).isEmpty();
    }

    @Test
    @DisplayName("hvm.3.2 a paged-out table gfn ends the walk with PFEC_page_paged at that level and is paged in")
    void pagedTable() {
        set(0x100, 0, (0x101L << 12) | UP);
        p2m.set(new P2mEntry(0x101, 0x10101, P2mType.RAM_PAGING_OUT, null));
        GuestWalk paged = walk(long4(), 0x400000, 0);
        assertThat(paged.ok()).isFalse();
        assertThat(paged.pfec()).isEqualTo(PfErrorCode.XEN_PAGE_PAGED);
        assertThat(paged.failedOn()).isEqualTo(EntryLevel.PDPTE);
        assertThat(paged.entries()).hasSize(1);
        assertThat(p2m.lookup(0x101).type()).as("p2m_mem_paging_populate").isEqualTo(P2mType.RAM_RW);
    }

    @Test
    @DisplayName("hvm.3.2 a table gfn still shared after ALLOC_UNSHARE (unsharing failed) ends the walk with "
            + "PFEC_page_shared at that level (map_domain_gfn, p2m_is_shared)")
    void sharedTableUnshareFails() {
        long4(UP, UP, UP, UP | A | D);
        p2m.set(new P2mEntry(0x101, 0x10101, P2mType.RAM_SHARED, null));
        p2m.setUnshareFails(true);
        GuestWalk w = walk(long4(), 0x400000, PfErrorCode.W);
        assertThat(w.ok()).isFalse();
        assertThat(w.pfec()).isEqualTo(PfErrorCode.W | PfErrorCode.XEN_PAGE_SHARED);
        assertThat(w.failedOn()).isEqualTo(EntryLevel.PDPTE);
        assertThat(w.entries()).as("only the L4 entry was read").hasSize(1);
        assertThat(p2m.lookup(0x101).type()).isEqualTo(P2mType.RAM_SHARED);
    }

    @Test
    @DisplayName("hvm.3.2 a shared table gfn that ALLOC_UNSHARE unshares is walked from its fresh copy")
    void sharedTableUnshared() {
        long4(UP, UP, UP, UP | A | D);
        p2m.set(new P2mEntry(0x101, 0x10101, P2mType.RAM_SHARED, null));
        GuestWalk w = walk(long4(), 0x400000, PfErrorCode.W);
        assertThat(w.ok()).isTrue();
        assertThat(p2m.lookup(0x101).type()).as("unshared").isEqualTo(P2mType.RAM_RW);
    }

    @Test
    @DisplayName("hvm.3.2 guest_set_ad_bits (3.1): after a successful walk, same rules; nothing for a failed one")
    void guestSetAdBits() {
        long4(UP, UP, UP, UP);
        GuestWalk ok = GuestWalker.guestWalkTables(ctx(long4()), p2m, mem, 0x400000, 0, false);
        GuestWalker.guestSetAdBits(ok, true, PagingMode.LONG4, mem, p2m);
        assertThat(get(0x103, 0) & (A | D)).isEqualTo(A | D);
        assertThat(get(0x100, 0) & (A | D)).isEqualTo(A);
        long4(UP, UP, UP, 0);
        GuestWalk bad = GuestWalker.guestWalkTables(ctx(long4()), p2m, mem, 0x400000, 0, false);
        p2m.markDirty(0); // a marker: nothing else may appear
        GuestWalker.guestSetAdBits(bad, true, PagingMode.LONG4, mem, p2m);
        assertThat(get(0x100, 0) & A).as("the failed walk's entries keep A clear").isZero();
    }

    @Test
    @DisplayName("hvm.3.2 walk flags as the rule check sees them: I → fetch, W → write, else read; U → CPL 3; "
            + "PFEC_implicit → implicit")
    void accessOf() {
        Access f = GuestWalker.accessOf(0x1000, PfErrorCode.I | PfErrorCode.W);
        assertThat(f.kind()).isEqualTo(AccessKind.FETCH);
        assertThat(f.cpl()).isZero();
        Access w = GuestWalker.accessOf(0x1000, PfErrorCode.W | PfErrorCode.U);
        assertThat(w.kind()).isEqualTo(AccessKind.WRITE);
        assertThat(w.cpl()).isEqualTo(3);
        assertThat(w.implicit()).isFalse();
        Access r = GuestWalker.accessOf(0x1000, PfErrorCode.XEN_IMPLICIT);
        assertThat(r.kind()).isEqualTo(AccessKind.READ);
        assertThat(r.implicit()).isTrue();
        assertThat(r.va()).isEqualTo(0x1000);
    }

    @Test
    @DisplayName("hvm.3.2 the walk input is masked to {implicit, I, U, W}: P, RSVD and PK in it are ignored")
    void inputMasked() {
        long4(UP, UP, UP, UP);
        GuestWalk w = walk(long4(), 0x400000, PfErrorCode.P | PfErrorCode.RSVD | PfErrorCode.PK | PfErrorCode.U);
        assertThat(w.ok()).isTrue();
        assertThat(w.pfec()).isEqualTo(PfErrorCode.P | PfErrorCode.U);
    }

    @Test
    @DisplayName("hvm.7.6 XSA-176 switch with no 1 GiB support: an L3 PS entry is followed as a table pointer, never "
            + "taken as a 1 GiB leaf")
    void xsa176L3FollowedAsPointer() {
        bugs.add("xsa-176");
        set(0x100, 0, (0x101L << 12) | UP);
        set(0x101, 0, (0x40000L << 12) | UP | PS | A | D);
        GuestWalk w = GuestWalker.guestWalkTables(ctx(long4()), p2m, mem, 0x400000, 0, false);
        assertThat(w.ok()).as("gfn 0x40000 is no RAM table").isFalse();
        assertThat(w.failedOn()).isEqualTo(EntryLevel.PDE);
        assertThat(w.entries()).hasSize(2);
    }

    @Test
    @DisplayName("hvm.7.3 switch rsvd-on-not-present: only a not-present entry WITH reserved bits reports RSVD|P")
    void rsvdOnNotPresentNeedsReservedBits() {
        bugs.add("rsvd-on-not-present");
        long4(UP, UP, UP, 0x1f0L << 12);
        assertThat(walk(long4(), 0x400000, PfErrorCode.U).pfec()).isEqualTo(PfErrorCode.U);
    }

    @Test
    @DisplayName("hvm.7.8 switch pfec-implicit-leak: only an implicit walk carries PFEC_implicit")
    void implicitLeakOnlyForImplicitWalks() {
        bugs.add("pfec-implicit-leak");
        GuestWalk w = walk(long4(), 0x900000, PfErrorCode.U);
        assertThat(w.pfec()).isEqualTo(PfErrorCode.U);
        GuestWalk i = walk(long4(), 0x900000, PfErrorCode.XEN_IMPLICIT);
        assertThat(i.pfec()).isEqualTo(PfErrorCode.XEN_IMPLICIT);
    }

    @Test
    @DisplayName("hvm.3.2 shadow, 2-level with CR4.PSE: a PDE that points to a page table (PS clear) has no PSE-36 "
            + "reserved bits")
    void pse36OnlyForLargePdes() {
        PagingControls c = PagingControls.long4(0x100L << 12).withMode(PagingMode.LEGACY2).withWp(true)
                .withPse(true);
        mem.write(((0x10000 + 0x100L) << 12) + 2 * 4, 4, (0x1ffL << 12) | UP); // table gfn 0x1ff: bits 20..12 set
        mem.write(((0x10000 + 0x1ffL) << 12) + 4, 4, (0x1f0L << 12) | UP);
        GuestWalk w = GuestWalker.guestWalkTables(ctx(c), p2m, mem, 0x00801000L, 0, false);
        assertThat(w.ok()).isTrue();
        assertThat(w.gfn()).isEqualTo(0x1f0);
    }

    @Test
    @DisplayName("hvm.7.2 switch a-bit-on-fault: A goes on the present entries read before the failure, never on the "
            + "not-present entry that ended the walk")
    void aBitOnFaultSkipsNotPresent() {
        bugs.add("a-bit-on-fault");
        long4(UP, UP, UP, 0);
        GuestWalk w = walk(long4(), 0x400000, 0);
        assertThat(w.ok()).isFalse();
        assertThat(get(0x102, 2) & A).isEqualTo(A);
        assertThat(get(0x103, 0)).as("P clear: untouched").isEqualTo(0x1f0L << 12);
    }
}
