package xpf.sim.x86;

import static xpf.model.x86.PfErrorCode.I;
import static xpf.model.x86.PfErrorCode.P;
import static xpf.model.x86.PfErrorCode.RSVD;
import static xpf.model.x86.PfErrorCode.U;
import static xpf.model.x86.PfErrorCode.W;
import static xpf.sim.x86.assertions.XpfAssertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;
import xpf.model.x86.WalkOutcome;
import xpf.sim.walk.WalkService;
import xpf.sim.x86.fixtures.PagingFixture;

/** §1.1d: error-code bits, CR2, and the order canonical check → walk → rights. */
class ErrorCodeTest {
    static final long VA = 0x00401234L;

    @Test
    @DisplayName("1.1d W describes the access, not the rights: set on a not-present write")
    void wOnNotPresent() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        assertThat(f.mmu().translate(Access.write(VA, 0))).isPageFault(W);
    }

    @Test
    @DisplayName("1.1d U iff user-mode access: an implicit access at CPL3 reports U=0")
    void uOnlyForExplicitCpl3() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        assertThat(f.mmu().translate(Access.read(VA, 3))).isPageFault(U);
        assertThat(f.mmu().translate(Access.read(VA, 2))).isPageFault(0);
        assertThat(f.mmu().translate(new Access(VA, AccessKind.READ, 3, true, false))).isPageFault(0);
    }

    @Test
    @DisplayName("1.1d I iff fetch and (SMEP or PAE with NXE); set on not-present faults too")
    void iBit() {
        PagingFixture l4 = PagingFixture.of(PagingMode.LONG4);
        assertThat(l4.mmu().translate(Access.fetch(VA, 0))).as("NXE=0, SMEP=0").isPageFault(0);
        assertThat(l4.mmu(l4.controls().withNxe(true)).translate(Access.fetch(VA, 0))).isPageFault(I);
        assertThat(l4.mmu(l4.controls().withSmep(true)).translate(Access.fetch(VA, 0))).isPageFault(I);
        PagingFixture l2 = PagingFixture.of(PagingMode.LEGACY2);
        assertThat(l2.mmu(l2.controls().withNxe(true)).translate(Access.fetch(VA, 0)))
                .as("32-bit paging: NXE does not give I").isPageFault(0);
        assertThat(l2.mmu(l2.controls().withSmep(true)).translate(Access.fetch(VA, 0))).isPageFault(I);
    }

    @Test
    @DisplayName("1.1d I is also set on a reserved-bit fault of a fetch")
    void iOnRsvd() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        f.map4k(VA, 0x7000);
        f.setBits(VA, EntryLevel.PDE, 1L << 45);
        assertThat(f.mmu(f.controls().withNxe(true)).translate(Access.fetch(VA, 3))).isPageFault(P | RSVD | U | I);
    }

    @Test
    @DisplayName("1.1d RSVD implies P")
    void rsvdImpliesP() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        f.map4k(VA, 0x7000);
        f.setBits(VA, EntryLevel.PTE, 1L << 48);
        Mmu.Result r = f.mmu().translate(Access.read(VA, 0));
        assertThat(r.errorCode() & (P | RSVD)).isEqualTo(P | RSVD);
    }

    @Test
    @DisplayName("1.1d CR2 is the full faulting linear address; zero-extended in 32-bit modes")
    void cr2() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        long high = 0xFFFF_8000_1234_5678L;
        WalkOutcome o = WalkService.evaluate(f.walkCase(f.controls(), Access.read(high, 0)));
        assertThat(o).isPageFault(0).hasCr2(high);
        PagingFixture p = PagingFixture.of(PagingMode.PAE);
        WalkOutcome q = WalkService.evaluate(p.walkCase(p.controls(), Access.read(0xFFFF_F000L, 0)));
        assertThat(q).isPageFault(0).hasCr2(0xFFFF_F000L);
    }

    @Test
    @DisplayName("1.1d non-canonical: #GP(0), or #SS(0) for a stack reference; no walk, no CR2")
    void nonCanonical() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        f.map4k(0, 0x7000);
        assertThat(f.mmu().translate(Access.read(0x0000_8000_0000_0000L, 3))).isGeneralProtection().readEntries();
        assertThat(f.mmu().translate(new Access(0x0000_8000_0000_0000L, AccessKind.WRITE, 0, false, true)))
                .isStackFault();
        PagingFixture five = PagingFixture.of(PagingMode.LONG5);
        assertThat(five.mmu().translate(Access.read(0x0000_8000_0000_0000L, 0))).as("canonical in 5-level")
                .isPageFault(0);
        assertThat(five.mmu().translate(Access.read(0x0100_0000_0000_0000L, 0))).isGeneralProtection();
        WalkOutcome o = WalkService.evaluate(f.walkCase(f.controls(), Access.read(0x0000_8000_0000_0000L, 3)));
        assertThat(o.cr2()).isNull();
        assertThat(o.walk()).isEmpty();
    }

    @Test
    @DisplayName("1.1d symbolic error codes round-trip")
    void symbolic() {
        assertThat(PfErrorCode.symbolic(P | W | U | RSVD | I | PfErrorCode.PK)).isEqualTo("P|W|U|RSVD|I|PK");
        assertThat(PfErrorCode.parse("P|W|U")).isEqualTo(7);
        assertThat(PfErrorCode.parse("0x13")).isEqualTo(0x13);
        assertThat(PfErrorCode.symbolic(0)).isEqualTo("0");
        assertThat(PfErrorCode.symbolic(PfErrorCode.XEN_IMPLICIT | P)).isEqualTo("P|implicit");
    }
}
