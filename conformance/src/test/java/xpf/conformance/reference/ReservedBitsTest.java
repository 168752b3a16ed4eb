package xpf.conformance.reference;

import static xpf.conformance.reference.CaseBuilder.LEGACY_VA;
import static xpf.conformance.reference.CaseBuilder.LONG4_VA;
import static xpf.conformance.reference.CaseBuilder.LONG5_VA;
import static xpf.conformance.reference.CaseBuilder.PAE_VA;
import static xpf.conformance.reference.CaseBuilder.PS;
import static xpf.conformance.reference.CaseBuilder.URW;
import static xpf.conformance.reference.CaseBuilder.XD;
import static xpf.conformance.reference.OutcomeAssert.evaluating;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import xpf.model.x86.PageSizes;
import xpf.model.x86.Vectors;

/**
 * §1.1b reserved-bit masks, every row, with the bits just inside and just outside each mask. Expected outcomes are
 * written from the table: RSVD ⇒ error code P|RSVD (plus the access bits), walk ends at the entry.
 */
class ReservedBitsTest {

    // ---------------------------------------------------------------- 4/5-level: PML5E / PML4E

    @Test
    @DisplayName("1.1b long4 PML4E PS is reserved")
    void pml4ePs() {
        evaluating(CaseBuilder.long4().set(0x1008, PS).read(LONG4_VA, 0)).pageFault("P|RSVD", LONG4_VA, 0x1008);
    }

    @ParameterizedTest(name = "1.1b long4 PML4E bit {0} (51:M, M=40) is reserved")
    @ValueSource(ints = {40, 45, 51})
    void pml4eAboveMaxPhyAddr(int bit) {
        evaluating(CaseBuilder.long4().set(0x1008, 1L << bit).read(LONG4_VA, 0)).pageFault("P|RSVD", LONG4_VA, 0x1008);
    }

    @Test
    @DisplayName("1.1b long4 PML4E bit M-1 is an address bit, not reserved (next table at 2^39 reads 0)")
    void pml4eBitBelowMaxPhyAddr() {
        evaluating(CaseBuilder.long4().set(0x1008, 1L << 39).read(LONG4_VA, 0))
                .pageFault("0", LONG4_VA, 0x1008, 0x80_0000_2010L);
    }

    @Test
    @DisplayName("1.1b long4 M=52: 51:M is empty, bit 51 is an address bit")
    void maxPhyAddr52() {
        evaluating(CaseBuilder.long4().maxPhyAddr(52).set(0x1008, 1L << 51).read(LONG4_VA, 0))
                .pageFault("0", LONG4_VA, 0x1008, 0x8_0000_0000_2010L);
    }

    @Test
    @DisplayName("1.1b long4 M=36: PTE bit 36 is reserved, bit 35 is an address bit")
    void maxPhyAddr36() {
        evaluating(CaseBuilder.long4().maxPhyAddr(36).set(0x4020, 1L << 36).read(LONG4_VA, 0))
                .pageFault("P|RSVD", LONG4_VA, 0x1008, 0x2010, 0x3018, 0x4020);
        evaluating(CaseBuilder.long4().maxPhyAddr(36).set(0x4020, 1L << 35).read(LONG4_VA, 0))
                .success(0x8_0000_5567L, PageSizes.SIZE_4K, 0x1008, 0x2010, 0x3018, 0x4020);
    }

    @Test
    @DisplayName("1.1b long4 PML4E bit 8 is ignored on Intel")
    void pml4eBit8Intel() {
        evaluating(CaseBuilder.long4().set(0x1008, 1L << 8).read(LONG4_VA, 0)).succeeds();
    }

    @Test
    @DisplayName("1.1b long4 PML4E bit 8 is reserved on AMD")
    void pml4eBit8Amd() {
        evaluating(CaseBuilder.long4().amd().set(0x1008, 1L << 8).read(LONG4_VA, 0))
                .pageFault("P|RSVD", LONG4_VA, 0x1008);
    }

    @Test
    @DisplayName("1.1b long5 PML5E PS is reserved")
    void pml5ePs() {
        evaluating(CaseBuilder.long5().set(0x1028, PS).read(LONG5_VA, 0)).pageFault("P|RSVD", LONG5_VA, 0x1028);
    }

    @Test
    @DisplayName("1.1b long5 PML5E bit 8 is reserved on AMD, ignored on Intel")
    void pml5eBit8() {
        evaluating(CaseBuilder.long5().amd().set(0x1028, 1L << 8).read(LONG5_VA, 0))
                .pageFault("P|RSVD", LONG5_VA, 0x1028);
        evaluating(CaseBuilder.long5().set(0x1028, 1L << 8).read(LONG5_VA, 0)).succeeds();
    }

    @Test
    @DisplayName("1.1b long5 PML5E bit 51:M is reserved, and the PML4E under it as well")
    void pml5eAndPml4eAboveM() {
        evaluating(CaseBuilder.long5().set(0x1028, 1L << 47).read(LONG5_VA, 0)).pageFault("P|RSVD", LONG5_VA, 0x1028);
        evaluating(CaseBuilder.long5().set(0x6008, PS).read(LONG5_VA, 0))
                .pageFault("P|RSVD", LONG5_VA, 0x1028, 0x6008);
    }

    // ---------------------------------------------------------------- bit 63 and NXE, every long level

    @ParameterizedTest(name = "1.1b long4 bit 63 of the entry at {0} is reserved when NXE=0")
    @CsvSource({"0x1008, 1", "0x2010, 2", "0x3018, 3", "0x4020, 4"})
    void xdReservedWithoutNxe(String address, int depth) {
        long a = Long.decode(address);
        long[] walk = java.util.Arrays.copyOf(new long[] {0x1008, 0x2010, 0x3018, 0x4020}, depth);
        evaluating(CaseBuilder.long4().set(a, XD).read(LONG4_VA, 0)).pageFault("P|RSVD", LONG4_VA, walk);
    }

    @ParameterizedTest(name = "1.1b long4 bit 63 of the entry at {0} is XD, not reserved, when NXE=1")
    @ValueSource(strings = {"0x1008", "0x2010", "0x3018", "0x4020"})
    void xdNotReservedWithNxe(String address) {
        evaluating(CaseBuilder.long4().nxe().set(Long.decode(address), XD).read(LONG4_VA, 0)).succeeds();
    }

    // ---------------------------------------------------------------- PDPTE

    @Test
    @DisplayName("1.1b long4 PDPTE PS is reserved without Page1GB")
    void pdptePsWithoutPage1gb() {
        evaluating(CaseBuilder.long4().noPage1gb().mem(0x2010, 0x4000_0000L | PS | URW).read(LONG4_VA, 0))
                .pageFault("P|RSVD", LONG4_VA, 0x1008, 0x2010);
    }

    @Test
    @DisplayName("1.1b long4 non-leaf PDPTE bit 8 is not reserved, even on AMD")
    void pdpteBit8Amd() {
        evaluating(CaseBuilder.long4().amd().set(0x2010, 1L << 8).read(LONG4_VA, 0)).succeeds();
    }

    @Test
    @DisplayName("1.1b long4 non-leaf PDPTE bits 51:M are reserved")
    void pdpteAboveM() {
        evaluating(CaseBuilder.long4().set(0x2010, 1L << 50).read(LONG4_VA, 0))
                .pageFault("P|RSVD", LONG4_VA, 0x1008, 0x2010);
    }

    @ParameterizedTest(name = "1.1b long4 1G PDPTE bit {0} (29:13) is reserved")
    @ValueSource(ints = {13, 21, 29})
    void oneGigReserved(int bit) {
        evaluating(CaseBuilder.long4().mem(0x2010, 0x4000_0000L | PS | URW | (1L << bit)).read(LONG4_VA, 0))
                .pageFault("P|RSVD", LONG4_VA, 0x1008, 0x2010);
    }

    @Test
    @DisplayName("1.1b long4 1G PDPTE bit 12 is PAT, not reserved, and not an address bit")
    void oneGigPat() {
        evaluating(CaseBuilder.long4().mem(0x2010, 0x4000_1000L | PS | URW).read(LONG4_VA, 0))
                .success(0x4060_4567L, PageSizes.SIZE_1G, 0x1008, 0x2010);
    }

    @Test
    @DisplayName("1.1b long4 1G PDPTE bits 51:M are reserved (M=40: bit 40)")
    void oneGigAboveM() {
        evaluating(CaseBuilder.long4().mem(0x2010, (1L << 40) | 0x4000_0000L | PS | URW).read(LONG4_VA, 0))
                .pageFault("P|RSVD", LONG4_VA, 0x1008, 0x2010);
    }

    // ---------------------------------------------------------------- PDE / PTE

    @ParameterizedTest(name = "1.1b long4 2M PDE bit {0} (20:13) is reserved")
    @ValueSource(ints = {13, 16, 20})
    void twoMegReserved(int bit) {
        evaluating(CaseBuilder.long4().mem(0x3018, 0x20_0000L | PS | URW | (1L << bit)).read(LONG4_VA, 0))
                .pageFault("P|RSVD", LONG4_VA, 0x1008, 0x2010, 0x3018);
    }

    @Test
    @DisplayName("1.1b long4 2M PDE bit 12 is PAT, not reserved")
    void twoMegPat() {
        evaluating(CaseBuilder.long4().mem(0x3018, 0x20_1000L | PS | URW).read(LONG4_VA, 0))
                .success(0x20_4567L, PageSizes.SIZE_2M, 0x1008, 0x2010, 0x3018);
    }

    @Test
    @DisplayName("1.1b long4 non-leaf PDE bit 13 is an address bit, not reserved")
    void nonLeafPdeBit13() {
        evaluating(CaseBuilder.long4().mem(0x3018, 0x6000L | URW).read(LONG4_VA, 0))
                .pageFault("0", LONG4_VA, 0x1008, 0x2010, 0x3018, 0x6020);
    }

    @Test
    @DisplayName("1.1b long4 non-leaf PDE bits 51:M are reserved")
    void pdeAboveM() {
        evaluating(CaseBuilder.long4().set(0x3018, 1L << 41).read(LONG4_VA, 0))
                .pageFault("P|RSVD", LONG4_VA, 0x1008, 0x2010, 0x3018);
    }

    @Test
    @DisplayName("1.1b long4 PTE bit 7 is PAT, not reserved")
    void ptePat() {
        evaluating(CaseBuilder.long4().set(0x4020, PS).read(LONG4_VA, 0)).succeeds();
    }

    @Test
    @DisplayName("1.1b long4 PTE bit 51 is reserved (M=40)")
    void pteBit51() {
        evaluating(CaseBuilder.long4().set(0x4020, 1L << 51).write(LONG4_VA, 3))
                .pageFault("P|W|U|RSVD", LONG4_VA, 0x1008, 0x2010, 0x3018, 0x4020);
    }

    @Test
    @DisplayName("1.1b long4 PTE bits 62:52 are ignored, not reserved")
    void pteIgnoredHighBits() {
        evaluating(CaseBuilder.long4().set(0x4020, 0x7FF0_0000_0000_0000L).read(LONG4_VA, 0)).succeeds();
    }

    // ---------------------------------------------------------------- reporting rules

    @Test
    @DisplayName("1.1b reserved bits are checked only when P=1")
    void reservedIgnoredWhenNotPresent() {
        evaluating(CaseBuilder.long4().mem(0x3018, 0xFFFF_FFFF_FFFF_FFFEL).read(LONG4_VA, 0))
                .pageFault("0", LONG4_VA, 0x1008, 0x2010, 0x3018);
    }

    @Test
    @DisplayName("1.1b the walk stops at the first reserved entry; lower entries are never read")
    void stopsAtFirstReserved() {
        evaluating(CaseBuilder.long4().set(0x2010, 1L << 45).set(0x4020, 1L << 45).read(LONG4_VA, 0))
                .pageFault("P|RSVD", LONG4_VA, 0x1008, 0x2010);
    }

    @Test
    @DisplayName("1.1b several reserved bits in one entry give the same error code")
    void severalReservedBits() {
        evaluating(CaseBuilder.long4().set(0x3018, XD | (1L << 51) | (1L << 40)).read(LONG4_VA, 0))
                .pageFault("P|RSVD", LONG4_VA, 0x1008, 0x2010, 0x3018);
    }

    @Test
    @DisplayName("1.1b a reserved-bit fault ignores the rights: user read through supervisor entries gives P|U|RSVD")
    void reservedBeforeRights() {
        evaluating(CaseBuilder.long4(0x1, 0x1, 0x1, 0x1).set(0x4020, 1L << 50).read(LONG4_VA, 3))
                .pageFault("P|U|RSVD", LONG4_VA, 0x1008, 0x2010, 0x3018, 0x4020);
    }

    // ---------------------------------------------------------------- PAE

    @ParameterizedTest(name = "1.1b pae PDPTE bit {0} (63:M, 8:5, 2:1) fails the PDPTE load: #GP(0)")
    @ValueSource(ints = {1, 2, 5, 6, 7, 8, 40, 52, 62, 63})
    void paePdpteReserved(int bit) {
        evaluating(CaseBuilder.pae().set(0x1030, 1L << bit).read(PAE_VA, 0))
                .exception(Vectors.GP).note(ReferenceWalk.NOTE_PDPTE_LOAD);
    }

    @Test
    @DisplayName("1.1b pae PDPTE bits 11:9, 4:3 and M-1:12 are not reserved")
    void paePdpteAllowedBits() {
        evaluating(CaseBuilder.pae().mem(0x1030, 0x80_0000_3E19L).mem(0x80_0000_3018L, 0x4000 | URW)
                .maxPhyAddr(40).read(PAE_VA, 0))
                .success(0x5567, PageSizes.SIZE_4K, 0x1030, 0x80_0000_3018L, 0x4020);
    }

    @Test
    @DisplayName("1.1b pae PDPTE load checks all four PDPTEs, also ones the access does not use")
    void paeUnusedPdpteReserved() {
        evaluating(CaseBuilder.pae().mem(0x1020, 0x7003).read(PAE_VA, 0)).exception(Vectors.GP);
        evaluating(CaseBuilder.pae().mem(0x1038, 0x7001 | (1L << 63)).read(PAE_VA, 0)).exception(Vectors.GP);
    }

    @Test
    @DisplayName("1.1b pae PDPTE load happens whatever the access (user fetch, NXE): still #GP(0), not #PF")
    void paePdpteLoadAnyAccess() {
        evaluating(CaseBuilder.pae().nxe().set(0x1030, 1L << 5).fetch(PAE_VA, 3)).exception(Vectors.GP);
    }

    @Test
    @DisplayName("1.1b pae a not-present PDPTE with reserved bits loads fine")
    void paeNotPresentPdpteReservedBits() {
        evaluating(CaseBuilder.pae().mem(0x1028, 0xFFFF_FFFF_FFFF_FFFEL).read(PAE_VA, 0)).succeeds();
    }

    @Test
    @DisplayName("1.1b pae a not-present PDPTE on the walk gives #PF P=0 and is listed")
    void paeNotPresentPdpte() {
        evaluating(CaseBuilder.pae().mem(0x1030, 0x3000).write(PAE_VA, 3)).pageFault("W|U", PAE_VA, 0x1030);
    }

    @ParameterizedTest(name = "1.1b pae PDE bit {0} (62:M, M=40) is reserved")
    @ValueSource(ints = {40, 52, 59, 62})
    void paePdeAboveM(int bit) {
        evaluating(CaseBuilder.pae().set(0x3018, 1L << bit).read(PAE_VA, 0))
                .pageFault("P|RSVD", PAE_VA, 0x1030, 0x3018);
    }

    @Test
    @DisplayName("1.1b pae M=52: PTE bits 62:52 are reserved (no ignored bits in PAE)")
    void paePteM52() {
        evaluating(CaseBuilder.pae().maxPhyAddr(52).set(0x4020, 1L << 52).read(PAE_VA, 0))
                .pageFault("P|RSVD", PAE_VA, 0x1030, 0x3018, 0x4020);
    }

    @Test
    @DisplayName("1.1b pae PTE bit 63 is reserved when NXE=0, XD when NXE=1")
    void paeXd() {
        evaluating(CaseBuilder.pae().set(0x4020, XD).read(PAE_VA, 0))
                .pageFault("P|RSVD", PAE_VA, 0x1030, 0x3018, 0x4020);
        evaluating(CaseBuilder.pae().nxe().set(0x4020, XD).read(PAE_VA, 0)).succeeds();
    }

    @ParameterizedTest(name = "1.1b pae 2M PDE bit {0} (20:13) is reserved")
    @ValueSource(ints = {13, 20})
    void pae2MReserved(int bit) {
        evaluating(CaseBuilder.pae().mem(0x3018, 0x20_0000L | PS | URW | (1L << bit)).read(PAE_VA, 0))
                .pageFault("P|RSVD", PAE_VA, 0x1030, 0x3018);
    }

    @Test
    @DisplayName("1.1b pae non-leaf PDE bit 13 and PTE bit 7 are not reserved")
    void paeNonReserved() {
        evaluating(CaseBuilder.pae().set(0x4020, PS).read(PAE_VA, 0)).succeeds();
        evaluating(CaseBuilder.pae().mem(0x3018, 0x6000 | URW).read(PAE_VA, 0))
                .pageFault("0", PAE_VA, 0x1030, 0x3018, 0x6020);
    }

    // ---------------------------------------------------------------- 32-bit

    @Test
    @DisplayName("1.1b legacy2 CR4.PSE=0: no reserved bits (PDE with PS and bit 21 is a table pointer)")
    void legacyNoPse() {
        evaluating(CaseBuilder.legacy2().mem(0x100C, 0x0020_4000L | PS | URW).mem(0x20_4010L, 0x5000 | URW)
                .read(LEGACY_VA, 0))
                .success(0x5567, PageSizes.SIZE_4K, 0x100C, 0x20_4010L);
    }

    @Test
    @DisplayName("1.1b legacy2 CR4.PSE=1: non-leaf PDE and PTE have no reserved bits")
    void legacyPseNonLeaf() {
        evaluating(CaseBuilder.legacy2().pse().mem(0x100C, 0x4000L | 0xF67).mem(0x4010, 0xFFFF_FFFFL)
                .read(LEGACY_VA, 0))
                .success(0xFFFF_F567L, PageSizes.SIZE_4K, 0x100C, 0x4010);
    }

    @Test
    @DisplayName("1.1b legacy2 4M PDE bit 21 is reserved (M>=40: 21:21)")
    void legacy4MBit21() {
        evaluating(CaseBuilder.legacy2().pse().mem(0x100C, 0x0080_0087L | (1L << 21)).read(LEGACY_VA, 0))
                .pageFault("P|RSVD", LEGACY_VA, 0x100C);
    }

    @Test
    @DisplayName("1.1b legacy2 4M PDE M=40: bit 20 is PA[39], not reserved")
    void legacy4MBit20M40() {
        evaluating(CaseBuilder.legacy2().pse().mem(0x100C, 0x0080_0087L | (1L << 20)).read(LEGACY_VA, 0))
                .success(0x80_0080_4567L, PageSizes.SIZE_4M, 0x100C);
    }

    @ParameterizedTest(name = "1.1b legacy2 4M PDE M=36: bit {0} (21:17) is reserved")
    @ValueSource(ints = {17, 19, 21})
    void legacy4MM36Reserved(int bit) {
        evaluating(CaseBuilder.legacy2().pse().maxPhyAddr(36).mem(0x100C, 0x0080_0087L | (1L << bit))
                .read(LEGACY_VA, 0))
                .pageFault("P|RSVD", LEGACY_VA, 0x100C);
    }

    @Test
    @DisplayName("1.1b legacy2 4M PDE M=36: bit 16 is PA[35], not reserved")
    void legacy4MM36Bit16() {
        evaluating(CaseBuilder.legacy2().pse().maxPhyAddr(36).mem(0x100C, 0x0080_0087L | (1L << 16))
                .read(LEGACY_VA, 0))
                .success(0x8_0080_4567L, PageSizes.SIZE_4M, 0x100C);
    }

    @Test
    @DisplayName("1.1b legacy2 4M PDE M=38: bits 21:19 reserved, bit 18 is PA[37]")
    void legacy4MM38() {
        evaluating(CaseBuilder.legacy2().pse().maxPhyAddr(38).mem(0x100C, 0x0080_0087L | (1L << 19))
                .read(LEGACY_VA, 0))
                .pageFault("P|RSVD", LEGACY_VA, 0x100C);
        evaluating(CaseBuilder.legacy2().pse().maxPhyAddr(38).mem(0x100C, 0x0080_0087L | (1L << 18))
                .read(LEGACY_VA, 0))
                .success(0x20_0080_4567L, PageSizes.SIZE_4M, 0x100C);
    }

    @Test
    @DisplayName("1.1b legacy2 4M PDE bit 12 is PAT, not reserved and not an address bit")
    void legacy4MPat() {
        evaluating(CaseBuilder.legacy2().pse().mem(0x100C, 0x0080_1087L).read(LEGACY_VA, 0))
                .success(0x80_4567L, PageSizes.SIZE_4M, 0x100C);
    }
}
