package xpf.sim.x86;

import static xpf.sim.x86.assertions.XpfAssertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.x86.Access;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;
import xpf.model.x86.Vectors;
import xpf.model.x86.Vendor;
import xpf.sim.x86.fixtures.PagingFixture;

/** §1.1b: reserved-bit masks per mode and entry, checked only on present entries; the walk stops there. */
class ReservedBitsTest {
    static final int RSVD = PfErrorCode.P | PfErrorCode.RSVD;
    static final long URW = PagingFixture.USER_RW;
    static final long VA = 0x00401234L;

    /** Reserved masks and leaf rules computed now, not taken from another test's cached tables. */
    @BeforeEach
    void freshTables() {
        WalkTablesCache.clear();
    }

    private static PagingFixture long4(int m, Vendor v, boolean gb) {
        PagingFixture f = new PagingFixture(PagingMode.LONG4, new CpuConfig(v, m, gb));
        f.map4k(VA, 0x7000);
        return f;
    }

    private static Mmu.Result read(PagingFixture f) {
        return f.mmu(f.controls().withNxe(true)).translate(Access.read(VA, 0));
    }

    @Test
    @DisplayName("1.1b legacy2 CR4.PSE=1: no reserved bits in a PTE (all 32 bits meaningful or ignored)")
    void legacy2PteHasNone() {
        PagingFixture f = PagingFixture.of(PagingMode.LEGACY2);
        f.map4k(VA, 0x7000);
        f.setBits(VA, EntryLevel.PTE, 0xE00L | EntryBits.G);
        assertThat(f.mmu(f.controls().withPse(true)).translate(Access.read(VA, 0))).isOk();
    }

    @Test
    @DisplayName("1.1b legacy2 4M PDE, M>=40: only bit 21 is reserved")
    void legacy2FourMBit21() {
        PagingFixture f = PagingFixture.of(PagingMode.LEGACY2);
        f.map(VA, 0xFF_0000_0000L, EntryLevel.PDE, URW, PagingFixture.UPPER);
        assertThat(f.mmu(f.controls().withPse(true)).translate(Access.read(VA, 0)))
                .translatesTo(0xFF_0000_1234L); // PDE[20:13]=0xFF gives PA[39:32]; VA[21:0]=0x1234
        f.setBits(VA, EntryLevel.PDE, 1L << 21);
        assertThat(f.mmu(f.controls().withPse(true)).translate(Access.read(VA, 0))).isPageFault(RSVD);
    }

    @Test
    @DisplayName("1.1b legacy2 4M PDE, M=36: bits 21:17 reserved, 16:13 are PA[35:32]")
    void legacy2FourMPse36Narrow() {
        PagingFixture f = new PagingFixture(PagingMode.LEGACY2, new CpuConfig(Vendor.INTEL, 36, true));
        f.map(VA, 0xF_0000_0000L, EntryLevel.PDE, URW, PagingFixture.UPPER);
        assertThat(f.mmu(f.controls().withPse(true)).translate(Access.read(VA, 0)))
                .translatesTo(0xF_0000_1234L); // PDE[16:13]=0xF gives PA[35:32]
        f.setBits(VA, EntryLevel.PDE, 1L << 17);
        assertThat(f.mmu(f.controls().withPse(true)).translate(Access.read(VA, 0))).isPageFault(RSVD);
    }

    @Test
    @DisplayName("1.1b pae PDPTE: a reserved bit fails the PDPTE load with #GP(0), never #PF")
    void paePdpteLoadGp() {
        PagingFixture f = PagingFixture.of(PagingMode.PAE);
        f.map4k(VA, 0x7000);
        Mmu mmu = f.mmu();
        long pdpte = f.mem.readWord(f.root);
        f.mem.writeWord(f.root, pdpte | EntryBits.RW);
        assertThat(mmu.loadCr3(f.root)).as("MOV CR3 of the same value reloads the PDPTEs").isEqualTo(Vectors.GP);
        assertThat(mmu.controls().cr3()).isEqualTo(f.root);
        assertThat(mmu.setControls(f.controls().withCr3(f.root + 0x20))).isEqualTo(-1); // other PDPT (all zero)
        assertThat(mmu.setControls(f.controls())).isEqualTo(Vectors.GP);
        assertThat(mmu.controls().cr3()).isEqualTo(f.root + 0x20);
    }

    @Test
    @DisplayName("1.1b pae PDPTE: a not-present PDPTE with garbage loads fine and faults P=0 on use")
    void paeNotPresentPdpteGarbage() {
        PagingFixture f = PagingFixture.of(PagingMode.PAE);
        f.mem.writeWord(f.root, 0xFFFF_0000_0000_01E6L);
        Mmu mmu = f.mmu();
        assertThat(mmu.pdpteValid()).isTrue();
        assertThat(mmu.translate(Access.read(VA, 0))).isPageFault(0).readEntries(f.root);
    }

    @Test
    @DisplayName("1.1b pae PTE: bits 62:M reserved (no ignored high bits in PAE)")
    void paeHighBits() {
        PagingFixture f = PagingFixture.of(PagingMode.PAE);
        f.map4k(VA, 0x7000);
        f.setBits(VA, EntryLevel.PTE, 1L << 62);
        assertThat(f.mmu(f.controls().withNxe(true)).translate(Access.read(VA, 0))).isPageFault(RSVD);
    }

    @Test
    @DisplayName("1.1b pae PDE: bit 63 (XD) reserved when EFER.NXE=0")
    void paeXdWithoutNxe() {
        PagingFixture f = PagingFixture.of(PagingMode.PAE);
        f.map4k(VA, 0x7000);
        f.setBits(VA, EntryLevel.PDE, EntryBits.XD);
        assertThat(f.mmu().translate(Access.read(VA, 0))).isPageFault(RSVD);
        assertThat(f.mmu(f.controls().withNxe(true)).translate(Access.read(VA, 0))).isOk();
    }

    @Test
    @DisplayName("1.1b pae 2M PDE: bits 20:13 reserved")
    void paeTwoMLowBits() {
        PagingFixture f = PagingFixture.of(PagingMode.PAE);
        f.map(VA, 0x0060_0000L, EntryLevel.PDE, URW, PagingFixture.UPPER);
        f.setBits(VA, EntryLevel.PDE, 1L << 13);
        assertThat(f.mmu().translate(Access.read(VA, 0))).isPageFault(RSVD);
    }

    @Test
    @DisplayName("1.1b long4 PML4E: PS (bit 7) is reserved")
    void pml4ePs() {
        PagingFixture f = long4(40, Vendor.INTEL, true);
        f.setBits(VA, EntryLevel.PML4E, EntryBits.PS);
        assertThat(read(f)).isPageFault(RSVD).readEntries(f.slot(VA, EntryLevel.PML4E));
    }

    @Test
    @DisplayName("1.1b long4 PML4E bit 8: ignored on Intel, reserved on AMD")
    void pml4eBit8Vendor() {
        PagingFixture intel = long4(40, Vendor.INTEL, true);
        intel.setBits(VA, EntryLevel.PML4E, EntryBits.G);
        assertThat(read(intel)).isOk();
        PagingFixture amd = long4(40, Vendor.AMD, true);
        amd.setBits(VA, EntryLevel.PML4E, EntryBits.G);
        assertThat(read(amd)).isPageFault(RSVD);
    }

    @Test
    @DisplayName("1.1b long5 PML5E: PS reserved as in the PML4E")
    void pml5ePs() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG5);
        f.map4k(VA, 0x7000);
        f.setBits(VA, EntryLevel.PML5E, EntryBits.PS);
        assertThat(f.mmu().translate(Access.read(VA, 0))).isPageFault(RSVD);
    }

    @Test
    @DisplayName("1.1b long4 PDPTE: PS is reserved without Page1GB")
    void pdptePsWithout1g() {
        PagingFixture f = new PagingFixture(PagingMode.LONG4, new CpuConfig(Vendor.INTEL, 40, false));
        f.map(VA, 0x4000_0000L, EntryLevel.PDPTE, URW, PagingFixture.UPPER);
        assertThat(f.mmu().translate(Access.read(VA, 0))).isPageFault(RSVD);
    }

    @Test
    @DisplayName("1.1b long4 1G PDPTE: bits 29:13 reserved; bit 12 is PAT")
    void oneGLowBits() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        f.map(VA, 0x4000_0000L, EntryLevel.PDPTE, URW | EntryBits.PAT_LARGE, PagingFixture.UPPER);
        assertThat(f.mmu().translate(Access.read(VA, 0))).isOk();
        f.setBits(VA, EntryLevel.PDPTE, 1L << 29);
        assertThat(f.mmu().translate(Access.read(VA, 0))).isPageFault(RSVD);
    }

    @Test
    @DisplayName("1.1b long4 2M PDE: bits 20:13 reserved; bit 12 is PAT")
    void twoMLowBits() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        f.map(VA, 0x60_0000L, EntryLevel.PDE, URW | EntryBits.PAT_LARGE, PagingFixture.UPPER);
        assertThat(f.mmu().translate(Access.read(VA, 0))).isOk();
        f.setBits(VA, EntryLevel.PDE, 1L << 20);
        assertThat(f.mmu().translate(Access.read(VA, 0))).isPageFault(RSVD);
    }

    @Test
    @DisplayName("1.1b long4 PTE: bits 51:M reserved; with M=52 bit 51 is address")
    void pteHighAddressBits() {
        PagingFixture f = long4(40, Vendor.INTEL, true);
        f.setBits(VA, EntryLevel.PTE, 1L << 40);
        assertThat(read(f)).isPageFault(RSVD);
        PagingFixture wide = long4(52, Vendor.INTEL, true);
        wide.setBits(VA, EntryLevel.PTE, 1L << 51);
        assertThat(read(wide)).translatesTo((1L << 51) | 0x7234);
    }

    @Test
    @DisplayName("1.1b long4 PTE: bits 62:52 are ignored (not reserved)")
    void pteIgnoredHighBits() {
        PagingFixture f = long4(40, Vendor.INTEL, true);
        f.setBits(VA, EntryLevel.PTE, EntryBits.bits(62, 52));
        assertThat(read(f)).isOk();
    }

    @Test
    @DisplayName("1.1b long4: bit 63 reserved at every level when EFER.NXE=0")
    void xdReservedWithoutNxe() {
        for (EntryLevel l : new EntryLevel[] {EntryLevel.PML4E, EntryLevel.PDPTE, EntryLevel.PDE, EntryLevel.PTE}) {
            PagingFixture f = long4(40, Vendor.INTEL, true);
            f.setBits(VA, l, EntryBits.XD);
            assertThat(f.mmu().translate(Access.read(VA, 0))).as(l.name()).isPageFault(RSVD);
        }
    }

    @Test
    @DisplayName("1.1b reserved bits of a non-present entry are not checked: P=0, RSVD=0")
    void notPresentNotChecked() {
        PagingFixture f = long4(40, Vendor.INTEL, true);
        f.set(VA, EntryLevel.PTE, 0x7FF0_0000_0000_0000L | EntryBits.PS);
        assertThat(read(f)).isPageFault(0);
    }

    @Test
    @DisplayName("1.1b the walk stops at the first reserved entry; lower entries are never read")
    void stopsAtFirstReserved() {
        PagingFixture f = long4(40, Vendor.INTEL, true);
        f.setBits(VA, EntryLevel.PDPTE, 1L << 45);
        f.setBits(VA, EntryLevel.PTE, 1L << 45);
        assertThat(read(f)).isPageFault(RSVD)
                .readEntries(f.slot(VA, EntryLevel.PML4E), f.slot(VA, EntryLevel.PDPTE));
    }

    @Test
    @DisplayName("1.1b reserved-bit fault reports P|RSVD and no rights bits, even when rights would also deny")
    void rsvdIgnoresRights() {
        PagingFixture f = long4(40, Vendor.INTEL, true);
        f.clearBits(VA, EntryLevel.PTE, EntryBits.US | EntryBits.RW);
        f.setBits(VA, EntryLevel.PTE, 1L << 45);
        assertThat(f.mmu().translate(Access.write(VA, 3))).isPageFault(RSVD | PfErrorCode.W | PfErrorCode.U);
    }

    @Test
    @DisplayName("1.1b pae PDPTE load at MOV CR3 checks all four PDPTEs, only the present ones, and loads the registers")
    void paePdpteLoadAllFour() {
        PagingFixture f = PagingFixture.of(PagingMode.PAE);
        f.map4k(VA, 0x7000);
        Mmu mmu = f.mmu();
        long other = f.allocTable() & ~0x1F;
        f.mem.writeWord(other + 8 * 3, 0x5000 | EntryBits.P);
        f.mem.writeWord(other + 8 * 2, 0xFFFF_0000_0000_01E6L); // not present: its reserved bits do not count
        assertThat(mmu.loadCr3(other)).isEqualTo(-1);
        assertThat(mmu.pdpteRegisters()).containsExactly(0, 0, 0xFFFF_0000_0000_01E6L, 0x5000 | EntryBits.P);
        f.mem.writeWord(other + 8 * 1, 0x6000 | EntryBits.P | EntryBits.A); // A (bit 5) is reserved in a PDPTE
        long[] before = mmu.pdpteRegisters();
        assertThat(mmu.loadCr3(other + 0x20)).isEqualTo(-1); // a different, empty PDPT
        assertThat(mmu.setControls(mmu.controls().withCr3(other))).isEqualTo(xpf.model.x86.Vectors.GP);
        assertThat(mmu.pdpteRegisters()).as("a failed load leaves the registers").containsExactly(0, 0, 0, 0);
        assertThat(before).hasSize(4);
    }
}
