package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.PvFixture.DATA;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.l1e1;
import static xpf.sim.xen.pv.PvFixture.VA_L1;
import static xpf.sim.xen.pv.PvFixture.frame;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.pteAddr;
import static xpf.sim.xen.pv.PvFixture.word;
import static xpf.sim.xen.pv.PvFixture.write;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.Insn;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.x86.EntryBits;

/**
 * {@code ptwr_emulated_update} (xen-pv-fault-path.md §3.2-§3.4) at its edges, written to kill the mutants PIT found
 * surviving (docs/mutation.md): sub-word stores spliced into the full 8-byte PTE at their byte offset, a store of a
 * not-present PTE (no validation, the old entry's references dropped), the 32-bit PAE upper-half-first exception,
 * and log-dirty marking of the page-table frame the emulated store wrote.
 */
class PtwrDecisionPointsTest {

    @Test
    @DisplayName("pv.3.2 a 1-byte store to byte 1 of a PTE changes only bits 8-15 (here G and the AVAIL bits 9-11)")
    void oneByteStoreIsSplicedAtItsOffset() {
        long before = l1e1(PvFixture.pv64());
        // Byte 1 holds G, AVAIL and the low 4 bits of the frame number: keep the frame, set AVAIL, clear G.
        long byte1 = ((before >>> 8) & 0xF0) | 0x0E;
        ScenarioRunner.Run r = PvFixture.pv64().run(write(VA_L1 + 8 + 1, 1, byte1, Insn.MOV));
        assertThat(outcome(r, 0)).isEmulated("ptwr");
        // adjust_guest_l1e puts GLOBAL back on a user entry of a 64-bit guest (§3.3).
        assertThat(word(r, pteAddr(L1, 1)) & ~EntryBits.G).isEqualTo((before & ~0xF00L) | 0xE00L);
        assertThat(word(r, pteAddr(L1, 1)) & ~0xF00L).isEqualTo(before & ~0xF00L);
        // The same frame stays mapped: one reference for the new entry, the old entry's dropped.
        assertThat(frame(r, DATA)).hasCount(1);
    }

    @Test
    @DisplayName("pv.3.2 a 2-byte store to bytes 6-7 of a PTE sets NX (bit 63) and leaves the rest")
    void twoByteStoreAtTheTopSetsNx() {
        long before = l1e1(PvFixture.pv64());
        ScenarioRunner.Run r = PvFixture.pv64().run(write(VA_L1 + 8 + 6, 2, (before >>> 48) | 0x8000L, Insn.MOV));
        assertThat(outcome(r, 0)).isEmulated("ptwr");
        assertThat(word(r, pteAddr(L1, 1))).isEqualTo(before | EntryBits.XD);
    }

    @Test
    @DisplayName("pv.3.3 a not-present PTE is stored without validation; the old entry's references are dropped")
    void notPresentStoreDropsTheOldReferences() {
        ScenarioRunner.Run r = PvFixture.pv64().run(write(VA_L1 + 8, 8, 0x0L, Insn.MOV));
        assertThat(outcome(r, 0)).isEmulated("ptwr");
        assertThat(word(r, pteAddr(L1, 1))).isZero();
        assertThat(frame(r, DATA)).hasCount(0).hasNoTypeInUse();
        // A not-present entry with garbage in its address bits is not validated either (no L1TF check here).
        ScenarioRunner.Run g = PvFixture.pv64().run(write(VA_L1 + 8, 8, 0x7fff_f000L, Insn.MOV));
        assertThat(outcome(g, 0)).isEmulated("ptwr");
        assertThat(word(g, pteAddr(L1, 1))).isEqualTo(0x7fff_f000L);
    }

    @Test
    @DisplayName("pv.3.3 32-bit PAE: an upper-half store that fails validation is kept with PRESENT cleared")
    void paeUpperHalfFirstClearsPresent() {
        long before = l1e1(PvFixture.pv32());
        // Bit 32 of the PTE set: the frame number points beyond RAM, get_page_from_l1e refuses it.
        ScenarioRunner.Run r = PvFixture.pv32().run(write(VA_L1 + 8 + 4, 4, (before >>> 32) | 1L, Insn.MOV));
        assertThat(outcome(r, 0)).isEmulated("ptwr");
        assertThat(word(r, pteAddr(L1, 1))).isEqualTo((before | (1L << 32)) & ~EntryBits.P);
        // The lower half written with the same refusal is no such case: refused, the guest gets its #PF.
        long badLow = (before & ~0xFFFFFFFFL) | 0x1027L; // frame 0x1 is not the guest's
        ScenarioRunner.Run low = PvFixture.pv32().run(write(VA_L1 + 8, 4, badLow & 0xFFFFFFFFL, Insn.MOV));
        assertThat(word(low, pteAddr(L1, 1))).isEqualTo(before);
    }

    @Test
    @DisplayName("pv.3.4 log-dirty: the emulated PTE store marks the page-table frame it wrote dirty")
    void ptwrStoreMarksTheTableDirty() {
        ScenarioRunner.Run r = PvFixture.pv64().param("log_dirty", 1).run(
                write(VA_L1 + 16, 8, PvFixture.e(PvFixture.NEWDATA, PvFixture.UP), Insn.MOV));
        assertThat(outcome(r, 0)).isEmulated("ptwr");
        assertThat(PvFixture.view(r).dirtyFrames()).contains(L1);
        // row d decided, before the shadow code's row e
        assertThat(FaultDecisionPointsTest.fixupRow(r, 0)).containsEntry("row", "d").containsEntry("result", "ptwr");
        ScenarioRunner.Run clean = PvFixture.pv64().run(
                write(VA_L1 + 16, 8, PvFixture.e(PvFixture.NEWDATA, PvFixture.UP), Insn.MOV));
        assertThat(PvFixture.view(clean).dirtyFrames()).doesNotContain(L1);
    }
}
