package xpf.conformance.reference;

import static xpf.conformance.reference.CaseBuilder.LEGACY_VA;
import static xpf.conformance.reference.CaseBuilder.LONG4_VA;
import static xpf.conformance.reference.CaseBuilder.PAE_VA;
import static xpf.conformance.reference.CaseBuilder.URW;
import static xpf.conformance.reference.OutcomeAssert.evaluating;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import xpf.model.x86.AccessKind;
import xpf.model.x86.PagingMode;
import xpf.model.x86.Vectors;

/** §1.1d error-code bits, CR2 and the canonical check; §1.1g vectors of the three exceptions a walk can raise. */
class ErrorCodeTest {

    /** The long4 layout without its PTE: every access faults with P=0 at the PTE. */
    private static CaseBuilder noPte() {
        return CaseBuilder.long4().clear(0x4020, 1);
    }

    private static final long[] FULL_WALK = {0x1008, 0x2010, 0x3018, 0x4020};

    @Test
    @DisplayName("1.1d P=0: error code has P clear, W set for a write, walk ends at the not-present entry")
    void notPresentWrite() {
        evaluating(noPte().write(LONG4_VA, 0)).pageFault("W", LONG4_VA, FULL_WALK);
    }

    @Test
    @DisplayName("1.1d U is set iff CPL 3 and explicit (also on P=0 faults)")
    void userBit() {
        evaluating(noPte().read(LONG4_VA, 3)).pageFault("U", LONG4_VA, FULL_WALK);
        evaluating(noPte().implicit(AccessKind.READ, LONG4_VA, 3)).pageFault("0", LONG4_VA, FULL_WALK);
    }

    @ParameterizedTest(name = "1.1d CPL {0} gives U=0")
    @ValueSource(ints = {0, 1, 2})
    void userBitClearBelowCpl3(int cpl) {
        evaluating(noPte().write(LONG4_VA, cpl)).pageFault("W", LONG4_VA, FULL_WALK);
    }

    @Test
    @DisplayName("1.1d I is set for a fetch with NXE (pae/long), also on P=0 faults")
    void instructionBitNxe() {
        evaluating(noPte().nxe().fetch(LONG4_VA, 3)).pageFault("U|I", LONG4_VA, FULL_WALK);
        evaluating(CaseBuilder.pae().nxe().clear(0x4020, 1).fetch(PAE_VA, 0))
                .pageFault("I", PAE_VA, 0x1030, 0x3018, 0x4020);
    }

    @Test
    @DisplayName("1.1d I is set for a fetch with SMEP, in every mode incl. legacy2")
    void instructionBitSmep() {
        evaluating(noPte().smep().fetch(LONG4_VA, 0)).pageFault("I", LONG4_VA, FULL_WALK);
        evaluating(CaseBuilder.legacy2().smep().clear(0x4010, 1).fetch(LEGACY_VA, 3))
                .pageFault("U|I", LEGACY_VA, 0x100C, 0x4010);
    }

    @Test
    @DisplayName("1.1d legacy2: NXE alone does not give I")
    void instructionBitLegacyNxe() {
        evaluating(CaseBuilder.legacy2().nxe().clear(0x4010, 1).fetch(LEGACY_VA, 0))
                .pageFault("0", LEGACY_VA, 0x100C, 0x4010);
        evaluating(CaseBuilder.legacy2(0x1, URW).nxe().fetch(LEGACY_VA, 3)).faultsWith("P|U");
    }

    @Test
    @DisplayName("1.1d no I without NXE and SMEP, and never for reads or writes")
    void instructionBitAbsent() {
        evaluating(noPte().fetch(LONG4_VA, 0)).pageFault("0", LONG4_VA, FULL_WALK);
        evaluating(noPte().nxe().smep().read(LONG4_VA, 0)).pageFault("0", LONG4_VA, FULL_WALK);
        evaluating(noPte().nxe().smep().write(LONG4_VA, 3)).pageFault("W|U", LONG4_VA, FULL_WALK);
    }

    @Test
    @DisplayName("1.1d RSVD comes with P, and I/W/U still describe the access")
    void reservedWithAccessBits() {
        evaluating(CaseBuilder.long4().nxe().set(0x2010, 1L << 48).fetch(LONG4_VA, 3))
                .pageFault("P|U|RSVD|I", LONG4_VA, 0x1008, 0x2010);
    }

    @Test
    @DisplayName("1.1d PK is never set on a RSVD or P=0 fault")
    void noPkOnWalkFaults() {
        long key5 = 5L << 59;
        evaluating(CaseBuilder.long4().set(0x4020, key5 | (1L << 45)).pke(1 << 10).read(LONG4_VA, 3))
                .pageFault("P|U|RSVD", LONG4_VA, FULL_WALK);
        evaluating(CaseBuilder.long4().mem(0x4020, 0x5000 | key5).pke(1 << 10).read(LONG4_VA, 3))
                .pageFault("U", LONG4_VA, FULL_WALK);
    }

    @Test
    @DisplayName("1.1d CR2 is the full faulting linear address (upper-half canonical VA)")
    void cr2FullAddress() {
        evaluating(CaseBuilder.of(PagingMode.LONG4, 0x1000).read(0xFFFF_8000_0000_0123L, 0))
                .pageFault("0", 0xFFFF_8000_0000_0123L, 0x1800);
    }

    @Test
    @DisplayName("1.1d a not-present top-level entry: walk has one entry")
    void notPresentRoot() {
        evaluating(CaseBuilder.of(PagingMode.LONG4, 0x1000).write(LONG4_VA, 3)).pageFault("W|U", LONG4_VA, 0x1008);
        evaluating(CaseBuilder.of(PagingMode.LEGACY2, 0x1000).read(LEGACY_VA, 0)).pageFault("0", LEGACY_VA, 0x100C);
    }

    // ---------------------------------------------------------------- canonical check, vectors (§1.1g)

    @Test
    @DisplayName("1.1d long4 non-canonical address: #GP(0), no walk, no CR2 (1.1g vector 13)")
    void nonCanonicalGp() {
        evaluating(CaseBuilder.long4().read(0x0000_8000_0000_0000L, 0)).exception(Vectors.GP).note(null);
        evaluating(CaseBuilder.long4().write(0xFFFF_7FFF_FFFF_F000L, 3)).exception(Vectors.GP);
        evaluating(CaseBuilder.long4().fetch(0x8000_0000_0000_0000L, 0)).exception(Vectors.GP);
    }

    @Test
    @DisplayName("1.1d long4 non-canonical stack reference: #SS(0) (1.1g vector 12)")
    void nonCanonicalSs() {
        evaluating(CaseBuilder.long4().stack(AccessKind.WRITE, 0x0000_8000_0000_0000L, 3)).exception(Vectors.SS);
    }

    @Test
    @DisplayName("1.1d canonical check comes before the walk: an empty memory still gives #GP, a canonical VA #PF")
    void canonicalBeforeWalk() {
        evaluating(CaseBuilder.of(PagingMode.LONG4, 0x1000).read(0x0001_0000_0000_0000L, 0)).exception(Vectors.GP);
        evaluating(CaseBuilder.of(PagingMode.LONG4, 0x1000).read(0x0000_7FFF_FFFF_FFFFL, 0))
                .pageFault("0", 0x0000_7FFF_FFFF_FFFFL, 0x1000 + 255 * 8);
    }

    @Test
    @DisplayName("1.1d long5 canonical is bits 63:56: bit 47 set is fine, bit 56 alone is not")
    void long5Canonical() {
        evaluating(CaseBuilder.of(PagingMode.LONG5, 0x1000).read(0x0000_8000_0000_0000L, 0))
                .pageFault("0", 0x0000_8000_0000_0000L, 0x1000);
        evaluating(CaseBuilder.of(PagingMode.LONG5, 0x1000).read(0x0100_0000_0000_0000L, 0))
                .exception(Vectors.GP);
        evaluating(CaseBuilder.of(PagingMode.LONG5, 0x1000).stack(AccessKind.READ, 0x01FF_0000_0000_0000L, 0))
                .exception(Vectors.SS);
        // 0xFF00_0000_0000_0000 is canonical in 5-level paging: PML5 index 256.
        evaluating(CaseBuilder.of(PagingMode.LONG5, 0x1000).read(0xFF00_0000_0000_0000L, 0))
                .pageFault("0", 0xFF00_0000_0000_0000L, 0x1800);
    }

    @Test
    @DisplayName("1.1g a page fault is vector 14; a rights fault keeps CR2 = VA and the full walk")
    void pageFaultVector() {
        evaluating(CaseBuilder.long4(URW, URW, URW, 0x5).write(LONG4_VA, 3)).pageFault("P|W|U", LONG4_VA, FULL_WALK);
    }
}
