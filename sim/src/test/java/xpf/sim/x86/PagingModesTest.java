package xpf.sim.x86;

import static xpf.sim.x86.assertions.XpfAssertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.x86.Access;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PageSizes;
import xpf.model.x86.PagingMode;
import xpf.model.x86.Vendor;
import xpf.sim.x86.fixtures.PagingFixture;

/** §1.1a: linear-address decomposition and physical addresses per mode and leaf size. */
class PagingModesTest {
    static final long P = EntryBits.P;
    static final long URW = PagingFixture.USER_RW;

    /** Reserved masks and leaf rules computed now, not taken from another test's cached tables. */
    @BeforeEach
    void freshTables() {
        WalkTablesCache.clear();
    }

    @Test
    @DisplayName("1.1a legacy2 4K: PDE index 31:22, PTE 21:12, 4-byte entries")
    void legacy2FourK() {
        PagingFixture f = PagingFixture.of(PagingMode.LEGACY2);
        long leaf = f.map4k(0x00401234L, 0x7000);
        assertThat(f.mmu().translate(Access.read(0x00401234L, 3))).translatesTo(0x7234).hasPageSize(PageSizes.SIZE_4K)
                .readEntries(f.root + 4, leaf);
        assertThat(leaf & 3).isZero();
    }

    @Test
    @DisplayName("1.1a legacy2 4M with CR4.PSE: PA[39:32] from PDE[20:13] (PSE-36)")
    void legacy2FourMPse36() {
        PagingFixture f = PagingFixture.of(PagingMode.LEGACY2);
        f.map(0x00412345L, 0x1_00C00000L, EntryLevel.PDE, URW, PagingFixture.UPPER);
        assertThat(f.mmu(f.controls().withPse(true)).translate(Access.read(0x00412345L, 0)))
                .translatesTo(0x1_00C12345L).hasPageSize(PageSizes.SIZE_4M);
    }

    @Test
    @DisplayName("1.1a legacy2 with CR4.PSE=0: PDE.PS is ignored, the PDE points to a page table")
    void legacy2PsIgnoredWithoutPse() {
        PagingFixture f = PagingFixture.of(PagingMode.LEGACY2);
        f.map4k(0x00401234L, 0x7000);
        f.setBits(0x00401234L, EntryLevel.PDE, EntryBits.PS);
        assertThat(f.mmu().translate(Access.read(0x00401234L, 0))).translatesTo(0x7234).hasPageSize(PageSizes.SIZE_4K);
    }

    @Test
    @DisplayName("1.1a pae 4K: PDPTE register, PDE 29:21, PTE 20:12; the walk lists the PDPTE first")
    void paeFourK() {
        PagingFixture f = PagingFixture.of(PagingMode.PAE);
        long leaf = f.map4k(0xC0401234L, 0x7000);
        long pdpteSlot = f.root + 3 * 8;
        assertThat(f.mmu().translate(Access.read(0xC0401234L, 0))).translatesTo(0x7234)
                .readEntries(pdpteSlot, f.slot(0xC0401234L, EntryLevel.PDE), leaf);
    }

    @Test
    @DisplayName("1.1a pae 2M: PDE.PS maps 2 MiB without CR4.PSE")
    void paeTwoM() {
        PagingFixture f = PagingFixture.of(PagingMode.PAE);
        f.map(0x00401234L, 0x1_2360_0000L, EntryLevel.PDE, URW, PagingFixture.UPPER);
        assertThat(f.mmu().translate(Access.read(0x00401234L, 0))).translatesTo(0x1_2360_1234L)
                .hasPageSize(PageSizes.SIZE_2M);
    }

    @Test
    @DisplayName("1.1a long4 4K: PML4 47:39, PDPT 38:30, PD 29:21, PT 20:12")
    void long4FourK() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        long va = 0x0000_7F12_3456_7ABCL;
        long leaf = f.map4k(va, 0xA_BCDE_F000L);
        assertThat(f.mmu().translate(Access.read(va, 3))).translatesTo(0xA_BCDE_FABCL)
                .readEntries(f.slot(va, EntryLevel.PML4E), f.slot(va, EntryLevel.PDPTE), f.slot(va, EntryLevel.PDE),
                        leaf);
        assertThat(f.slot(va, EntryLevel.PML4E) - f.root).isEqualTo(((va >>> 39) & 511) * 8);
    }

    @Test
    @DisplayName("1.1a long4 1G: PDPTE.PS with Page1GB maps 1 GiB; PA = PDPTE[M-1:30] | VA[29:0]")
    void long4OneG() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        long va = 0x0000_0040_1234_5678L;
        f.map(va, 0x80_4000_0000L, EntryLevel.PDPTE, URW, PagingFixture.UPPER);
        assertThat(f.mmu().translate(Access.read(va, 0))).translatesTo(0x80_4000_0000L | (va & 0x3FFF_FFFFL))
                .hasPageSize(PageSizes.SIZE_1G);
    }

    @Test
    @DisplayName("1.1a long5 4K: five entries, PML5 index 56:48, canonical at bit 56")
    void long5FourK() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG5);
        long va = 0x00FF_0000_0040_1234L;
        f.map4k(va, 0x7000);
        Mmu.Result r = f.mmu().translate(Access.read(va, 0));
        assertThat(r).translatesTo(0x7234);
        assertThat(r.walk()).hasSize(5);
        assertThat(f.slot(va, EntryLevel.PML5E) - f.root).isEqualTo(0xFFL * 8);
    }

    @Test
    @DisplayName("1.1a long4: MAXPHYADDR bounds the address field (bits above M are reserved, not address)")
    void addressFieldWidth() {
        PagingFixture f = new PagingFixture(PagingMode.LONG4, new CpuConfig(Vendor.INTEL, 52, true));
        f.map4k(0x1000, 0xF_FFFF_FFFF_F000L);
        assertThat(f.mmu().translate(Access.read(0x1ABC, 0))).translatesTo(0xF_FFFF_FFFF_FABCL);
    }
}
