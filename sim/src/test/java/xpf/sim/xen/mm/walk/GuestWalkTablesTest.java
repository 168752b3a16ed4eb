package xpf.sim.xen.mm.walk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;
import xpf.model.x86.Vendor;
import xpf.sim.x86.EntryBits;
import xpf.sim.xen.mm.PagingProfile;
import xpf.sim.xen.mm.p2m.P2mEntry;
import xpf.sim.xen.mm.p2m.P2mType;

/**
 * Xen's {@code guest_walk_tables} (xen-hvm-fault-path.md §3.2): the x86 rules over gfn-based guest tables through the
 * p2m, with Xen's deviations (shadow: no 1 GiB, PSE-36 reserved; invalid table gfns; synthetic bits; I only with
 * guest NX/SMEP; A/D only after success, per level) and the walker bug switches of §7.
 */
class GuestWalkTablesTest extends GuestTablesFixture {
    static final PagingProfile MODERN = new PagingProfile("xen-4.22", true, true, true, false, true, true, true, true,
            true, true, true, true, false, true, false);
    static final PagingProfile OLD = new PagingProfile("xen-3.1", false, false, false, true, false, false, false,
            false, false, false, true, false, true, false, true);

    long nextGfn = 0x101;

    GuestWalker.WalkContext ctx(PagingControls c, PagingProfile prof, boolean shadow, boolean page1gb) {
        return new GuestWalker.WalkContext(c.mode(), c, new long[4], new CpuConfig(Vendor.INTEL, 40, page1gb),
                shadow, true, prof, bugs::contains);
    }

    static PagingControls long4(boolean nxe) {
        return PagingControls.long4(0x100L << 12).withWp(true).withNxe(nxe);
    }

    GuestWalk walk(PagingControls c, long va, int pfec) {
        return GuestWalker.guestWalkTables(ctx(c, MODERN, true, false), p2m, mem, va, pfec, true);
    }

    @Test
    @DisplayName("hvm.3.2 success: A on every level, D on the leaf for a write, tables marked dirty")
    void successSetsAd() {
        long4(UP, UP, UP, UP);
        GuestWalk w = walk(long4(true), 0x400000, PfErrorCode.W | PfErrorCode.U);
        assertThat(w.ok()).isTrue();
        assertThat(w.gfn()).isEqualTo(0x1f0);
        assertThat(w.pfec()).isEqualTo(PfErrorCode.P | PfErrorCode.W | PfErrorCode.U);
        assertThat(get(0x100, 0) & (A | D)).as("L4: A only").isEqualTo(A);
        assertThat(get(0x101, 0) & (A | D)).isEqualTo(A);
        assertThat(get(0x102, 2) & (A | D)).isEqualTo(A);
        assertThat(get(0x103, 0) & (A | D)).isEqualTo(A | D);
        assertThat(p2m.dirtyGfns()).contains(0x100L, 0x103L);
    }

    @Test
    @DisplayName("hvm.3.2 / §7.2 a rights fault: P=1 in ec, and no A written anywhere (31b083a50c)")
    void failureWritesNothing() {
        long4(UP, UP, UP, P | US);
        GuestWalk w = walk(long4(true), 0x400000, PfErrorCode.W | PfErrorCode.U);
        assertThat(w.ok()).isFalse();
        assertThat(w.pfec()).isEqualTo(PfErrorCode.P | PfErrorCode.W | PfErrorCode.U);
        assertThat(get(0x100, 0) & A).isZero();
        assertThat(get(0x103, 0) & A).isZero();
    }

    @Test
    @DisplayName("hvm.7.2 bug a-bit-on-fault: A is set on the walked entries although the walk faults")
    void aBitOnFaultBug() {
        bugs.add("a-bit-on-fault");
        long4(UP, UP, UP, P | US);
        walk(long4(true), 0x400000, PfErrorCode.W | PfErrorCode.U);
        assertThat(get(0x103, 0) & A).isEqualTo(A);
        assertThat(get(0x103, 0) & D).isZero();
    }

    @Test
    @DisplayName("hvm.3.2 I reported only with guest NX (or SMEP): NXE=0 ⇒ 0, NXE=1 ⇒ I (§7.9)")
    void instructionFetchBit() {
        GuestWalk nx0 = walk(long4(false), 0x900000, PfErrorCode.I);
        assertThat(nx0.pfec()).isZero();
        GuestWalk nx1 = walk(long4(true), 0x900000, PfErrorCode.I);
        assertThat(nx1.pfec()).isEqualTo(PfErrorCode.I);
        GuestWalk smep = walk(long4(false).withSmep(true), 0x900000, PfErrorCode.I);
        assertThat(smep.pfec()).isEqualTo(PfErrorCode.I);
    }

    @Test
    @DisplayName("hvm.7.9 bug id-without-nxe: Xen's NXE leaks: I reported, NX bit not reserved")
    void idWithoutNxeBug() {
        bugs.add("id-without-nxe");
        assertThat(walk(long4(false), 0x900000, PfErrorCode.I).pfec()).isEqualTo(PfErrorCode.I);
        long4(UP, UP, UP, UP | EntryBits.XD);
        bugs.clear();
        assertThat(walk(long4(false), 0x400000, 0).pfec()).as("fixed: NX reserved when NXE=0")
                .isEqualTo(PfErrorCode.P | PfErrorCode.RSVD);
        bugs.add("id-without-nxe");
        assertThat(walk(long4(false), 0x400000, 0).ok()).isTrue();
    }

    @Test
    @DisplayName("hvm.7.3 reserved bits of a non-present entry are never checked; bug rsvd-on-not-present does")
    void reservedOnNotPresent() {
        long4(UP, UP, UP, EntryBits.bits(51, 40));
        assertThat(walk(long4(true), 0x400000, 0).pfec()).isZero();
        bugs.add("rsvd-on-not-present");
        assertThat(walk(long4(true), 0x400000, 0).pfec()).isEqualTo(PfErrorCode.P | PfErrorCode.RSVD);
    }

    @Test
    @DisplayName("hvm.7.6 XSA-176: PS in an L4e is reserved (RSVD|P); the bug follows it as a table pointer")
    void xsa176L4() {
        long4(UP | PS, UP, UP, UP);
        assertThat(walk(long4(true), 0x400000, PfErrorCode.W).pfec())
                .isEqualTo(PfErrorCode.P | PfErrorCode.RSVD | PfErrorCode.W);
        bugs.add("xsa-176");
        assertThat(walk(long4(true), 0x400000, PfErrorCode.W).ok()).isTrue();
    }

    @Test
    @DisplayName("hvm.3.2 shadow: L3 PS is reserved (no 1 GiB shadows); HAP with page1gb: a 1 GiB leaf")
    void l3SuperpageShadowVsHap() {
        set(0x100, 0, (0x101L << 12) | UP);
        set(0x101, 0, (0x40000L << 12) | UP | PS | A | D);
        GuestWalk shadow = GuestWalker.guestWalkTables(ctx(long4(true), MODERN, true, false), p2m, mem, 0x400000, 0,
                false);
        assertThat(shadow.pfec()).isEqualTo(PfErrorCode.P | PfErrorCode.RSVD);
        GuestWalk hap = GuestWalker.guestWalkTables(ctx(long4(true), MODERN, false, true), p2m, mem, 0x400000, 0,
                false);
        assertThat(hap.ok()).isTrue();
        assertThat(hap.gfn()).isEqualTo(0x40400);
        bugs.add("xsa-176");
        GuestWalk bug = GuestWalker.guestWalkTables(ctx(long4(true), MODERN, true, false), p2m, mem, 0x400000, 0,
                false);
        assertThat(bug.pfec() & PfErrorCode.RSVD).as("ignored PS: followed as a pointer").isZero();
    }

    @Test
    @DisplayName("hvm.3.2 shadow, 2-level PSE: PSE-36 address bits of a 4 MiB PDE are reserved")
    void pse36ReservedUnderShadow() {
        PagingControls c = PagingControls.long4(0x100L << 12).withMode(PagingMode.LEGACY2).withPse(true)
                .withWp(true);
        mem.write(slot(0x100, 0) + 4, 4, (1L << 13) | P | RW | PS | A | D); // PDE 1 (4 MiB at 0x400000), bit 13
        GuestWalk shadow = GuestWalker.guestWalkTables(ctx(c, MODERN, true, false), p2m, mem, 0x400000, 0, false);
        assertThat(shadow.pfec()).isEqualTo(PfErrorCode.P | PfErrorCode.RSVD);
        GuestWalk hap = GuestWalker.guestWalkTables(ctx(c, MODERN, false, false), p2m, mem, 0x400000, 0, false);
        assertThat(hap.ok()).isTrue();
        assertThat(hap.gpa()).as("PA[39:32] from PDE[20:13]").isEqualTo(0x1_0000_0000L);
    }

    @Test
    @DisplayName("hvm.3.2 a next-level table gfn that is not RAM ends the walk as P=0; paged keeps PFEC_page_paged")
    void invalidAndPagedTableGfns() {
        set(0x100, 0, (0x300L << 12) | UP); // gfn 0x300: no p2m entry
        GuestWalk w = walk(long4(true), 0x400000, PfErrorCode.W);
        assertThat(w.ok()).isFalse();
        assertThat(w.pfec()).isEqualTo(PfErrorCode.W);
        p2m.set(new P2mEntry(0x300, 0x10300, P2mType.RAM_PAGED, null));
        GuestWalk paged = walk(long4(true), 0x400000, PfErrorCode.W);
        assertThat(paged.pfec()).isEqualTo(PfErrorCode.W | PfErrorCode.XEN_PAGE_PAGED);
        assertThat(paged.archPfec()).as("PFEC_arch_mask drops the synthetic bit").isEqualTo(PfErrorCode.W);
    }

    @Test
    @DisplayName("hvm.3.2 / §7.8 an implicit supervisor access under SMAP fails; PFEC_implicit kept only by the bug")
    void implicitSmap() {
        long4(UP, UP, UP, UP | A | D);
        PagingControls c = long4(true).withSmap(true).withAc(true);
        GuestWalk w = walk(c, 0x400000, PfErrorCode.XEN_IMPLICIT);
        assertThat(w.ok()).isFalse();
        assertThat(w.pfec()).isEqualTo(PfErrorCode.P);
        assertThat(walk(c, 0x400000, 0).ok()).as("explicit with AC=1: allowed").isTrue();
        bugs.add("pfec-implicit-leak");
        assertThat(walk(c, 0x400000, PfErrorCode.XEN_IMPLICIT).pfec())
                .isEqualTo(PfErrorCode.P | PfErrorCode.XEN_IMPLICIT);
    }

    @Test
    @DisplayName("hvm.7.10 protection keys: a user write to a read-only page whose key has WD reports PK")
    void protectionKeyOrdering() {
        long key = 1L << EntryBits.PKEY_SHIFT;
        long4(UP, UP, UP, P | US | A | D | key);
        PagingControls c = long4(true).withPke(true).withPkru(0b1000); // WD for key 1
        GuestWalk w = GuestWalker.guestWalkTables(ctx(c, MODERN, false, true), p2m, mem, 0x400000,
                PfErrorCode.W | PfErrorCode.U, false);
        assertThat(w.pfec()).isEqualTo(PfErrorCode.P | PfErrorCode.W | PfErrorCode.U | PfErrorCode.PK);
        PagingControls wp0 = c.withWp(false);
        long4(UP, UP, UP, P | RW | A | D | key); // supervisor page, PKS off: no key check for it
        GuestWalk s = GuestWalker.guestWalkTables(ctx(wp0, MODERN, false, true), p2m, mem, 0x400000, PfErrorCode.W,
                false);
        assertThat(s.ok()).isTrue();
    }

    @Test
    @DisplayName("hvm.3.4 the 3.1 walker: no reserved-bit checks, no rights, no error code, no A/D")
    void walker31() {
        long4(UP | PS, UP, UP, P | US);
        GuestWalk w = GuestWalker.guestWalkTables(ctx(long4(true), OLD, true, false), p2m, mem, 0x400000,
                PfErrorCode.W | PfErrorCode.U, true);
        assertThat(w.ok()).isTrue();
        assertThat(w.rights().writable()).isFalse();
        assertThat(get(0x103, 0) & A).isZero();
    }

    @Test
    @DisplayName("hvm.3.2 PAE: the PDPTE comes from the cached registers and gets no A")
    void paeFromCachedPdptes() {
        PagingControls c = PagingControls.long4(0x100L << 12).withMode(PagingMode.PAE).withNxe(true).withWp(true);
        long[] pdpte = {(0x102L << 12) | P, 0, 0, 0};
        set(0x102, 2, (0x103L << 12) | UP);
        set(0x103, 0, (0x1f0L << 12) | UP | (1L << 52)); // bit 52: reserved in PAE (§7.7)
        GuestWalker.WalkContext x = new GuestWalker.WalkContext(PagingMode.PAE, c, pdpte,
                new CpuConfig(Vendor.INTEL, 40, false), true, true, MODERN, bugs::contains);
        GuestWalk w = GuestWalker.guestWalkTables(x, p2m, mem, 0x400000, 0, true);
        assertThat(w.pfec()).isEqualTo(PfErrorCode.P | PfErrorCode.RSVD);
        set(0x103, 0, (0x1f0L << 12) | UP);
        GuestWalk ok = GuestWalker.guestWalkTables(x, p2m, mem, 0x400000, 0, true);
        assertThat(ok.ok()).isTrue();
        assertThat(ok.entries().get(0).slot()).isEqualTo(-1);
        assertThat(get(0x102, 2) & A).isEqualTo(A);
    }
}
