package xpf.conformance.reference;

import static xpf.conformance.reference.CaseBuilder.A;
import static xpf.conformance.reference.CaseBuilder.D;
import static xpf.conformance.reference.CaseBuilder.LEGACY_VA;
import static xpf.conformance.reference.CaseBuilder.LONG4_VA;
import static xpf.conformance.reference.CaseBuilder.PAE_VA;
import static xpf.conformance.reference.CaseBuilder.PS;
import static xpf.conformance.reference.CaseBuilder.URO;
import static xpf.conformance.reference.CaseBuilder.URW;
import static xpf.conformance.reference.OutcomeAssert.evaluating;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import xpf.model.x86.PageSizes;
import xpf.model.x86.PagingMode;

/** §1.1e, the strict A/D model: values written by hand (A = 0x20, D = 0x40). */
class AccessedDirtyTest {

    @Test
    @DisplayName("1.1e successful read: A on every entry used, no D")
    void readSetsA() {
        evaluating(CaseBuilder.long4().read(LONG4_VA, 0)).succeeds()
                .memoryAfter(0x1008, 0x2027, 0x2010, 0x3027, 0x3018, 0x4027, 0x4020, 0x5027);
    }

    @Test
    @DisplayName("1.1e successful write: D on the leaf only, never on non-leaf entries")
    void writeSetsDOnLeaf() {
        evaluating(CaseBuilder.long4().write(LONG4_VA, 3)).succeeds()
                .memoryAfter(0x1008, 0x2027, 0x2010, 0x3027, 0x3018, 0x4027, 0x4020, 0x5067);
    }

    @Test
    @DisplayName("1.1e successful fetch: A only")
    void fetchSetsA() {
        evaluating(CaseBuilder.long4().fetch(LONG4_VA, 3)).succeeds()
                .memoryAfter(0x1008, 0x2027, 0x2010, 0x3027, 0x3018, 0x4027, 0x4020, 0x5027);
    }

    @Test
    @DisplayName("1.1e 2M and 1G leaves get A and D on a write")
    void largeLeavesGetD() {
        evaluating(CaseBuilder.long4().mem(0x3018, 0x20_0000L | PS | URW).write(LONG4_VA, 0)).succeeds()
                .memoryAfter(0x1008, 0x2027, 0x2010, 0x3027, 0x3018, 0x20_00E7);
        evaluating(CaseBuilder.long4().mem(0x2010, 0x4000_0000L | PS | URW).write(LONG4_VA, 0)).succeeds()
                .memoryAfter(0x1008, 0x2027, 0x2010, 0x4000_00E7L);
    }

    @Test
    @DisplayName("1.1e entries already A (and the leaf already D) are not rewritten")
    void alreadySetNotRewritten() {
        evaluating(CaseBuilder.long4(URW | A, URW | A, URW | A, URW | A | D).write(LONG4_VA, 3)).succeeds()
                .memoryAfter();
    }

    @Test
    @DisplayName("1.1e a leaf already A but not D gets only D on a write; a non-leaf D bit is left alone")
    void onlyMissingBits() {
        evaluating(CaseBuilder.long4(URW | A | D, URW | A, URW, URW | A).write(LONG4_VA, 3)).succeeds()
                .memoryAfter(0x3018, 0x4027, 0x4020, 0x5067);
    }

    @Test
    @DisplayName("1.1e no A/D on a rights fault, a P=0 fault or a RSVD fault")
    void nothingOnFault() {
        evaluating(CaseBuilder.long4(URW, URW, URW, URO).write(LONG4_VA, 3)).faultsWith("P|W|U");
        evaluating(CaseBuilder.long4().clear(0x4020, 1).write(LONG4_VA, 3)).faultsWith("W|U");
        evaluating(CaseBuilder.long4().set(0x4020, 1L << 50).write(LONG4_VA, 3)).faultsWith("P|W|U|RSVD");
    }

    @Test
    @DisplayName("1.1e pae PDPTE never gets A")
    void paePdpteNoA() {
        evaluating(CaseBuilder.pae().write(PAE_VA, 3)).succeeds()
                .memoryAfter(0x3018, 0x4027, 0x4020, 0x5067);
    }

    @Test
    @DisplayName("1.1e legacy2 4-byte entries get A and D; a 4M leaf gets D")
    void legacyAccessedDirty() {
        evaluating(CaseBuilder.legacy2().write(LEGACY_VA, 3)).succeeds()
                .memoryAfter(0x100C, 0x4027, 0x4010, 0x5067);
        evaluating(CaseBuilder.legacy2().pse().mem(0x100C, 0x0080_0087L).write(LEGACY_VA, 3)).succeeds()
                .memoryAfter(0x100C, 0x0080_00E7L);
    }

    @Test
    @DisplayName("1.1e an entry used at two levels (self-map) gets the updates of both uses")
    void aliasedEntryTwoLevels() {
        // PML4E[1] at 0x1008 points to the PML4 itself; VA indices (1, 1, 3, 4): 0x1008 is read as PML4E and PDPTE,
        // then PDE 0x1018 -> PT 0x4000, PTE 0x4020 -> 0x5000.
        long va = 0x0000_0080_4060_4567L;
        evaluating(CaseBuilder.of(PagingMode.LONG4, 0x1000)
                .mem(0x1008, 0x1000 | URW).mem(0x1018, 0x4000 | URW).mem(0x4020, 0x5000 | URW).write(va, 3))
                .success(0x5567, PageSizes.SIZE_4K, 0x1008, 0x1008, 0x1018, 0x4020)
                .memoryAfter(0x1008, 0x1027, 0x1018, 0x4027, 0x4020, 0x5067);
    }

    @Test
    @DisplayName("1.1e a recursive entry used as non-leaf and as the leaf gets A from each use and D from the leaf use")
    void recursiveEntryIsLeaf() {
        // VA indices (1, 1, 1, 1): 0x1008 is PML4E, PDPTE, PDE and PTE; the page is the PML4 itself.
        long va = 0x0000_0080_4020_1567L;
        evaluating(CaseBuilder.of(PagingMode.LONG4, 0x1000).mem(0x1008, 0x1000 | URW).write(va, 0))
                .success(0x1567, PageSizes.SIZE_4K, 0x1008, 0x1008, 0x1008, 0x1008)
                .memoryAfter(0x1008, 0x1067);
    }

    @Test
    @DisplayName("1.1e pae: a PD sharing the PDPT's page — the entry used as PDE gets A, its PDPTE role adds nothing")
    void paePdAliasesPdpt() {
        // CR3 = 0x1000: PDPTEs at 0x1000..0x1018. VA = 0x0060_4567: PDPTE idx 0 (0x1000) -> PD 0x1000;
        // PDE idx 3 = 0x1018 (which is also PDPTE 3, P=1 with no reserved bits) -> PT 0x4000; PTE idx 4 at 0x4020.
        evaluating(CaseBuilder.of(PagingMode.PAE, 0x1000).mem(0x1000, 0x1001).mem(0x1018, 0x4001)
                .mem(0x4020, 0x5000 | URW).read(0x0060_4567L, 0))
                .success(0x5567, PageSizes.SIZE_4K, 0x1000, 0x1018, 0x4020)
                .memoryAfter(0x1018, 0x4021, 0x4020, 0x5027);
    }
}
