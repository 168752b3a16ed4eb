package xpf.conformance.reference;

import static xpf.conformance.reference.CaseBuilder.LEGACY_VA;
import static xpf.conformance.reference.CaseBuilder.LONG4_VA;
import static xpf.conformance.reference.CaseBuilder.LONG5_VA;
import static xpf.conformance.reference.CaseBuilder.PAE_VA;
import static xpf.conformance.reference.CaseBuilder.PS;
import static xpf.conformance.reference.CaseBuilder.URW;
import static xpf.conformance.reference.OutcomeAssert.evaluating;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import xpf.model.x86.PageSizes;
import xpf.model.x86.PagingMode;

/** §1.1a: levels, entry addresses, leaf sizes and physical addresses, per mode (layouts in {@link CaseBuilder}). */
class AddressTranslationTest {

    @Test
    @DisplayName("1.1a long4 4K: entry address = base | index*8 per level, PA = PTE frame | VA[11:0]")
    void long4FourK() {
        evaluating(CaseBuilder.long4().read(LONG4_VA, 0))
                .success(0x5567, PageSizes.SIZE_4K, 0x1008, 0x2010, 0x3018, 0x4020);
    }

    @Test
    @DisplayName("1.1a long5 4K: PML5 index is VA[56:48], then as 4-level")
    void long5FourK() {
        evaluating(CaseBuilder.long5().read(LONG5_VA, 0))
                .success(0x5567, PageSizes.SIZE_4K, 0x1028, 0x6008, 0x2010, 0x3018, 0x4020);
    }

    @Test
    @DisplayName("1.1a long4 2M: PDE PS=1 is the leaf, PA = PDE[M-1:21] | VA[20:0]")
    void long4TwoM() {
        evaluating(CaseBuilder.long4().mem(0x3018, 0x20_0000 | PS | URW).read(LONG4_VA, 0))
                .success(0x20_4567, PageSizes.SIZE_2M, 0x1008, 0x2010, 0x3018);
    }

    @Test
    @DisplayName("1.1a long4 1G: PDPTE PS=1 is the leaf, PA = PDPTE[M-1:30] | VA[29:0]")
    void long4OneG() {
        evaluating(CaseBuilder.long4().mem(0x2010, 0x4000_0000 | PS | URW).read(LONG4_VA, 0))
                .success(0x4060_4567L, PageSizes.SIZE_1G, 0x1008, 0x2010);
    }

    @Test
    @DisplayName("1.1a long5 1G leaf")
    void long5OneG() {
        evaluating(CaseBuilder.long5().mem(0x2010, 0xC000_0000L | PS | URW).read(LONG5_VA, 0))
                .success(0xC060_4567L, PageSizes.SIZE_1G, 0x1028, 0x6008, 0x2010);
    }

    @Test
    @DisplayName("1.1a long4 address field is bits M-1:12 (M=52: bits 51:12 reach the PA)")
    void long4WideAddress() {
        evaluating(CaseBuilder.long4().maxPhyAddr(52).mem(0x4020, 0x000F_FFFF_FFFF_F000L | URW).read(LONG4_VA, 0))
                .success(0x000F_FFFF_FFFF_F567L, PageSizes.SIZE_4K, 0x1008, 0x2010, 0x3018, 0x4020);
    }

    @Test
    @DisplayName("1.1a long4 PTE bits 62:52 are not address bits")
    void long4IgnoredHighBits() {
        evaluating(CaseBuilder.long4().set(0x4020, 0x7FF0_0000_0000_0000L).read(LONG4_VA, 0))
                .success(0x5567, PageSizes.SIZE_4K, 0x1008, 0x2010, 0x3018, 0x4020);
    }

    @Test
    @DisplayName("1.1a long4 table base is CR3[M-1:12]: CR3 bits 11:0 are ignored")
    void long4Cr3LowBits() {
        evaluating(CaseBuilder.long4().cr3(0x1FFF).read(LONG4_VA, 0))
                .success(0x5567, PageSizes.SIZE_4K, 0x1008, 0x2010, 0x3018, 0x4020);
    }

    @Test
    @DisplayName("1.1a long4 a high canonical VA uses the upper half of the PML4 (index 256)")
    void long4UpperHalf() {
        // VA 0xFFFF_8000_0000_0000: PML4 idx 256 (entry 0x1800), all lower indices 0.
        evaluating(CaseBuilder.of(PagingMode.LONG4, 0x1000)
                .mem(0x1800, 0x2000 | URW).mem(0x2000, 0x3000 | URW).mem(0x3000, 0x4000 | URW)
                .mem(0x4000, 0x7000 | URW).read(0xFFFF_8000_0000_0ABCL, 0))
                .success(0x7ABC, PageSizes.SIZE_4K, 0x1800, 0x2000, 0x3000, 0x4000);
    }

    @Test
    @DisplayName("1.1a pae 4K: the PDPTE register comes from CR3[31:5] + 8*VA[31:30] and is listed first")
    void pae4K() {
        evaluating(CaseBuilder.pae().read(PAE_VA, 0))
                .success(0x5567, PageSizes.SIZE_4K, 0x1030, 0x3018, 0x4020);
    }

    @Test
    @DisplayName("1.1a pae CR3 bits 4:0 are ignored")
    void paeCr3LowBits() {
        evaluating(CaseBuilder.pae().cr3(0x103F).read(PAE_VA, 0))
                .success(0x5567, PageSizes.SIZE_4K, 0x1030, 0x3018, 0x4020);
    }

    @Test
    @DisplayName("1.1a pae 2M: PDE PS=1, PA = PDE[M-1:21] | VA[20:0]")
    void pae2M() {
        evaluating(CaseBuilder.pae().mem(0x3018, 0x20_0000 | PS | URW).read(PAE_VA, 0))
                .success(0x20_4567, PageSizes.SIZE_2M, 0x1030, 0x3018);
    }

    @Test
    @DisplayName("1.1a pae frames above 4 GiB: address bits M-1:12 (M=40)")
    void paeHighFrames() {
        evaluating(CaseBuilder.pae().maxPhyAddr(40).mem(0x1030, 0x12_3456_7001L)
                .mem(0x12_3456_7018L, 0x4000 | URW).read(PAE_VA, 0))
                .success(0x5567, PageSizes.SIZE_4K, 0x1030, 0x12_3456_7018L, 0x4020);
    }

    @Test
    @DisplayName("1.1a legacy2 4K: 4-byte entries, PDE index VA[31:22], PTE index VA[21:12]")
    void legacy4K() {
        evaluating(CaseBuilder.legacy2().read(LEGACY_VA, 0))
                .success(0x5567, PageSizes.SIZE_4K, 0x100C, 0x4010);
    }

    @Test
    @DisplayName("1.1a legacy2 CR3 bits 11:0 are ignored")
    void legacyCr3LowBits() {
        evaluating(CaseBuilder.legacy2().cr3(0x1FFF).read(LEGACY_VA, 0))
                .success(0x5567, PageSizes.SIZE_4K, 0x100C, 0x4010);
    }

    @Test
    @DisplayName("1.1a legacy2 4M with CR4.PSE=1: PA[31:22] = PDE[31:22], PA[21:0] = VA[21:0]")
    void legacy4M() {
        evaluating(CaseBuilder.legacy2().pse().mem(0x100C, 0x0080_0000L | PS | URW).read(LEGACY_VA, 0))
                .success(0x80_4567, PageSizes.SIZE_4M, 0x100C);
    }

    @Test
    @DisplayName("1.1a legacy2 PSE-36 (M=40): PA[39:32] = PDE[20:13]")
    void legacyPse36M40() {
        // PDE[20:13] = 0xAB -> 0xAB << 13 = 0x15_6000
        evaluating(CaseBuilder.legacy2().pse().maxPhyAddr(40).mem(0x100C, 0x0095_6087L).read(LEGACY_VA, 0))
                .success(0xAB_0080_4567L, PageSizes.SIZE_4M, 0x100C);
    }

    @Test
    @DisplayName("1.1a legacy2 PSE-36 (M=36): PA[35:32] = PDE[16:13]")
    void legacyPse36M36() {
        // PDE[16:13] = 0xB -> 0x1_6000
        evaluating(CaseBuilder.legacy2().pse().maxPhyAddr(36).mem(0x100C, 0x0081_6087L).read(LEGACY_VA, 0))
                .success(0xB_0080_4567L, PageSizes.SIZE_4M, 0x100C);
    }

    @Test
    @DisplayName("1.1a legacy2 PSE-36 width is min(40, M): M=52 still gives PA[39:32] only")
    void legacyPse36M52() {
        // PDE[20:13] = 0xFF -> 0x1F_E000
        evaluating(CaseBuilder.legacy2().pse().maxPhyAddr(52).mem(0x100C, 0x009F_E087L).read(LEGACY_VA, 0))
                .success(0xFF_0080_4567L, PageSizes.SIZE_4M, 0x100C);
    }

    @Test
    @DisplayName("1.1a legacy2 CR4.PSE=0 ignores PDE.PS: the PDE points to a page table")
    void legacyPsIgnoredWithoutPse() {
        evaluating(CaseBuilder.legacy2().set(0x100C, PS).read(LEGACY_VA, 0))
                .success(0x5567, PageSizes.SIZE_4K, 0x100C, 0x4010);
    }

    @Test
    @DisplayName("1.1a legacy2 4K frames use all of PTE[31:12]")
    void legacyTopFrame() {
        evaluating(CaseBuilder.legacy2().mem(0x4010, 0xFFFF_F000L | URW).read(LEGACY_VA, 0))
                .success(0xFFFF_F567L, PageSizes.SIZE_4K, 0x100C, 0x4010);
    }
}
