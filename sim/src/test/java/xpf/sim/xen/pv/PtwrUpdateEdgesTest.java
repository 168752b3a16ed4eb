package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.FaultDecisionPointsTest.calls;
import static xpf.sim.xen.pv.PvFixture.A;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.l1e1;
import static xpf.sim.xen.pv.PvFixture.P;
import static xpf.sim.xen.pv.PvFixture.UP;
import static xpf.sim.xen.pv.PvFixture.US;
import static xpf.sim.xen.pv.PvFixture.VA_L1;
import static xpf.sim.xen.pv.PvFixture.e;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.pteAddr;
import static xpf.sim.xen.pv.PvFixture.step;
import static xpf.sim.xen.pv.PvFixture.word;
import static xpf.sim.xen.pv.PvFixture.write;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Insn;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PfErrorCode;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.x86.EntryBits;

/**
 * {@code ptwr_emulated_update} (xen-pv-fault-path.md §3.2-§3.3; xen/arch/x86/pv/ro-page-fault.c, 4.22) at the edges
 * the first round of tests left open: the 32-bit PAE upper-half exception applies only to a <em>plain 4-byte</em>
 * store at bit 2 of a <em>32-bit</em> guest's PTE (every other refused store is UNHANDLEABLE, the guest gets its
 * #PF); the flags {@code get_page_from_l1e} asks to flip (rc &gt; 0) are XORed into the stored PTE (RW off for a
 * read-only MMIO frame, UC for a cacheable I/O mapping); a 4-byte store to the upper half of a 64-bit guest's PTE.
 */
class PtwrUpdateEdgesTest {

    @Test
    @DisplayName("pv.3.3 64-bit: an upper-half 4-byte store that fails validation is refused, not kept non-present")
    void upperHalfExceptionIsThirtyTwoBitOnly() {
        long before = l1e1(PvFixture.pv64());
        // Bit 32 of the PTE: a frame the guest does not own -> get_page_from_l1e refuses.
        ScenarioRunner.Run r = PvFixture.pv64().run(write(VA_L1 + 8 + 4, 4, (before >>> 32) | 1L, Insn.MOV));
        assertThat(outcome(r, 0)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, VA_L1 + 8 + 4);
        assertThat(word(r, pteAddr(L1, 1))).isEqualTo(before);
    }

    @Test
    @DisplayName("pv.3.3 32-bit: a refused 8-byte store is UNHANDLEABLE even with the upper half changed")
    void upperHalfExceptionIsForFourByteStoresOnly() {
        long before = l1e1(PvFixture.pv32());
        ScenarioRunner.Run r = PvFixture.pv32().run(write(VA_L1 + 8, 8, before | (1L << 32), Insn.MOV));
        assertThat(outcome(r, 0)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, VA_L1 + 8);
        assertThat(word(r, pteAddr(L1, 1))).isEqualTo(before);
    }

    @Test
    @DisplayName("pv.3.3 32-bit: a 4-byte CMPXCHG of the upper half that fails validation is refused (plain writes only)")
    void upperHalfExceptionIsForPlainWritesOnly() {
        long before = l1e1(PvFixture.pv32());
        GuestAccess cx = new GuestAccess(VA_L1 + 8 + 4, AccessKind.WRITE, 4, (before >>> 32) | 1L, null, false, false,
                Insn.CMPXCHG, before >>> 32);
        ScenarioRunner.Run r = PvFixture.pv32().run(step(cx));
        assertThat(outcome(r, 0)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, VA_L1 + 8 + 4);
        assertThat(word(r, pteAddr(L1, 1))).isEqualTo(before);
        assertThat(calls(r, 0, "ptwr_emulated_update")).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("result", "UNHANDLEABLE"));
    }

    @Test
    @DisplayName("pv.3.3 a PTE for a read-only MMIO frame written RW through ptwr is stored with RW flipped off")
    void readOnlyMmioMappingLosesRw() {
        PvFixture f = PvFixture.pv64().param("mmio_ro_mfn", 0xfee00);
        long uc = EntryBits.PCD | EntryBits.PWT; // already uncacheable: only RW is flipped
        ScenarioRunner.Run r = f.run(write(VA_L1 + 8 * 9, 8, e(0xfee00, UP | uc), Insn.MOV));
        assertThat(outcome(r, 0)).isEmulated("ptwr");
        // rc = RW from get_page_from_l1e, XORed in; adjust_guest_l1e then adds GLOBAL to a user entry.
        assertThat(word(r, pteAddr(L1, 9))).isEqualTo(e(0xfee00, P | US | A | uc) | EntryBits.G);
        // Write-back: both flips at once (RW off, PCD|PWT on).
        ScenarioRunner.Run wb = PvFixture.pv64().param("mmio_ro_mfn", 0xfee00).run(
                write(VA_L1 + 8 * 9, 8, e(0xfee00, UP), Insn.MOV));
        assertThat(word(wb, pteAddr(L1, 9))).isEqualTo(e(0xfee00, P | US | A | uc) | EntryBits.G);
    }

    @Test
    @DisplayName("pv.3.3 a write-back PTE for an I/O frame written through ptwr is stored uncacheable (PCD|PWT)")
    void cacheableIoMappingBecomesUncacheable() {
        PvFixture f = PvFixture.pv64().param("mmio_mfn", 0xfee00);
        ScenarioRunner.Run r = f.run(write(VA_L1 + 8 * 9, 8, e(0xfee00, UP), Insn.MOV));
        assertThat(outcome(r, 0)).isEmulated("ptwr");
        assertThat(word(r, pteAddr(L1, 9))).isEqualTo(e(0xfee00, UP) | EntryBits.PCD | EntryBits.PWT | EntryBits.G);
        // Already UC (PCD|PWT): nothing to flip.
        ScenarioRunner.Run uc = PvFixture.pv64().param("mmio_mfn", 0xfee00).run(
                write(VA_L1 + 8 * 9, 8, e(0xfee00, UP | EntryBits.PCD | EntryBits.PWT), Insn.MOV));
        assertThat(word(uc, pteAddr(L1, 9))).isEqualTo(e(0xfee00, UP) | EntryBits.PCD | EntryBits.PWT | EntryBits.G);
    }

    @Test
    @DisplayName("pv.3.2 64-bit: a 4-byte store to bytes 4-7 of a PTE sets NX and keeps the lower half")
    void fourByteStoreToTheUpperHalf() {
        long before = l1e1(PvFixture.pv64());
        ScenarioRunner.Run r = PvFixture.pv64().run(write(VA_L1 + 8 + 4, 4, (before >>> 32) | 0x8000_0000L, Insn.MOV));
        assertThat(outcome(r, 0)).isEmulated("ptwr");
        assertThat(word(r, pteAddr(L1, 1))).isEqualTo(before | EntryBits.XD);
        // The lower half written alone keeps the upper half (here NX stays clear, the flags are rewritten).
        ScenarioRunner.Run low = PvFixture.pv64().run(write(VA_L1 + 8, 4, before & 0xFFFF_FFFFL, Insn.MOV));
        assertThat(word(low, pteAddr(L1, 1))).isEqualTo(before);
    }
}
