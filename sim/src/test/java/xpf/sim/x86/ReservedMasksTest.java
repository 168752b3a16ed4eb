package xpf.sim.x86;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.Vendor;

/**
 * The §1.1b reserved-bit masks and the CR3 / table-base masks as values (x86-paging.md §1.1b table, SDM vol. 3
 * Tables 4-4..4-6 (32-bit), 4-8..4-11 (PAE), 4-14..4-20 (4-level)), written out bit by bit in hex rather than
 * computed, for the CPU widths at the ends of the range (M = 36, 40, 52).
 */
class ReservedMasksTest {
    static final PagingControls PSE = PagingControls.long4(0).withMode(PagingMode.LEGACY2).withPse(true);
    static final long PS = EntryBits.PS;

    static CpuConfig intel(int m) {
        return new CpuConfig(Vendor.INTEL, m, true);
    }

    @Test
    @DisplayName("1.1b 32-bit 4 MiB PDE with CR4.PSE=1 (PSE-36): M=36 -> bits 21:17, M=39 -> 21:20, M>=40 -> bit 21 only")
    void legacy2FourMeg() {
        PagingMode l2 = PagingMode.LEGACY2;
        assertThat(ReservedBits.mask(l2, EntryLevel.PDE, PS, intel(36), PSE)).isEqualTo(0x003E_0000L);
        assertThat(ReservedBits.mask(l2, EntryLevel.PDE, PS, intel(39), PSE)).as("PA[38:32] in 19:13").isEqualTo(0x0030_0000L);
        assertThat(ReservedBits.mask(l2, EntryLevel.PDE, PS, intel(40), PSE)).isEqualTo(0x0020_0000L);
        assertThat(ReservedBits.mask(l2, EntryLevel.PDE, PS, intel(52), PSE)).isEqualTo(0x0020_0000L);
    }

    @Test
    @DisplayName("1.1b 32-bit: no reserved bits in a PDE->PT, a PTE, or any entry with CR4.PSE=0")
    void legacy2None() {
        PagingMode l2 = PagingMode.LEGACY2;
        assertThat(ReservedBits.mask(l2, EntryLevel.PDE, 0, intel(36), PSE)).isZero();
        assertThat(ReservedBits.mask(l2, EntryLevel.PTE, PS, intel(36), PSE)).as("bit 7 of a PTE is PAT").isZero();
        assertThat(ReservedBits.mask(l2, EntryLevel.PDE, PS, intel(36), PSE.withPse(false))).isZero();
    }

    @Test
    @DisplayName("1.1b PAE: PDPTE 63:M, 8:5, 2:1; PDE/PTE 62:M (+63 if NXE=0); 2 MiB PDE also 20:13")
    void pae() {
        PagingControls c = PSE.withMode(PagingMode.PAE).withPse(false);
        PagingMode pae = PagingMode.PAE;
        assertThat(ReservedBits.mask(pae, EntryLevel.PDPTE, 0, intel(36), c)).isEqualTo(0xFFFF_FFF0_0000_01E6L);
        assertThat(ReservedBits.mask(pae, EntryLevel.PTE, 0, intel(36), c)).isEqualTo(0xFFFF_FFF0_0000_0000L);
        assertThat(ReservedBits.mask(pae, EntryLevel.PTE, 0, intel(36), c.withNxe(true)))
                .isEqualTo(0x7FFF_FFF0_0000_0000L);
        assertThat(ReservedBits.mask(pae, EntryLevel.PDE, 0, intel(52), c.withNxe(true)))
                .isEqualTo(0x7FF0_0000_0000_0000L);
        assertThat(ReservedBits.mask(pae, EntryLevel.PDE, PS, intel(52), c.withNxe(true)))
                .isEqualTo(0x7FF0_0000_001F_E000L);
        assertThat(ReservedBits.mask(pae, EntryLevel.PTE, PS, intel(52), c.withNxe(true)))
                .as("PS of a PTE is PAT: no large-page bits").isEqualTo(0x7FF0_0000_0000_0000L);
    }

    @Test
    @DisplayName("1.1b 4-level: PML4E PS reserved, bit 8 too on AMD only; 51:M; NXE=0 adds 63")
    void ia32eUpper() {
        PagingControls c = PagingControls.long4(0).withNxe(true);
        assertThat(ReservedBits.mask(PagingMode.LONG4, EntryLevel.PML4E, 0, intel(40), c))
                .isEqualTo(0x000F_FF00_0000_0080L);
        assertThat(ReservedBits.mask(PagingMode.LONG4, EntryLevel.PML4E, 0, new CpuConfig(Vendor.AMD, 40, true), c))
                .isEqualTo(0x000F_FF00_0000_0180L);
        assertThat(ReservedBits.mask(PagingMode.LONG5, EntryLevel.PML5E, 0, new CpuConfig(Vendor.AMD, 52, true),
                c.withMode(PagingMode.LONG5).withNxe(false))).isEqualTo(0x8000_0000_0000_0180L);
    }

    @Test
    @DisplayName("1.1b CR3 and table bases: 32-bit 31:12, PAE CR3 31:5, otherwise M-1:12")
    void geometryMasks() {
        assertThat(PagingGeometry.rootBase(PagingMode.LEGACY2, -1L, 40)).isEqualTo(0xFFFF_F000L);
        assertThat(PagingGeometry.rootBase(PagingMode.PAE, -1L, 40)).isEqualTo(0xFFFF_FFE0L);
        assertThat(PagingGeometry.rootBase(PagingMode.LONG4, -1L, 40)).isEqualTo(0xFF_FFFF_F000L);
        assertThat(PagingGeometry.rootBase(PagingMode.LONG5, -1L, 52)).isEqualTo(0x000F_FFFF_FFFF_F000L);
        assertThat(PagingGeometry.nextTableBase(PagingMode.LEGACY2, -1L, 40)).isEqualTo(0xFFFF_F000L);
        assertThat(PagingGeometry.nextTableBase(PagingMode.PAE, -1L, 36)).isEqualTo(0xF_FFFF_F000L);
        assertThat(PagingGeometry.nextTableBase(PagingMode.LONG4, -1L, 40)).isEqualTo(0xFF_FFFF_F000L);
    }
}
