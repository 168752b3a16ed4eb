package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.FaultDecisionPointsTest.calls;
import static xpf.sim.xen.pv.MmuUpdateRecordsTest.hex;
import static xpf.sim.xen.pv.PvFixture.A;
import static xpf.sim.xen.pv.PvFixture.FOREIGN;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.L1B;
import static xpf.sim.xen.pv.PvFixture.L2;
import static xpf.sim.xen.pv.PvFixture.NEWDATA;
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

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.Insn;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PfErrorCode;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.trace.TraceEvent;
import xpf.sim.x86.EntryBits;

/**
 * The writable-page-table path as {@code xpf explain} shows it, and the sub-word splices of
 * {@code ptwr_emulated_update} (xen-pv-fault-path.md §3.1-§3.5; {@code pv_ro_page_fault}, {@code ptwr_do_page_fault},
 * {@code ptwr_emulated_write}/{@code _cmpxchg}/{@code _update}, xen/arch/x86/pv/ro-page-fault.c, 4.22; 3.1 had the
 * same in xen/arch/x86/mm.c without the {@code pv_ro_page_fault} wrapper).
 */
class PtwrRecordsTest {

    static List<String> notes(ScenarioRunner.Run r, int step) {
        return r.trace().eventsOfStep(step).stream().filter(ev -> ev.kind() == TraceEvent.Kind.NOTE)
                .map(TraceEvent::name).toList();
    }

    static GuestAccess cmpxchg(long va, int size, long expected, long value) {
        return new GuestAccess(va, AccessKind.WRITE, size, value, null, false, false, Insn.CMPXCHG, expected);
    }

    @Test
    @DisplayName("pv.3.1-3.5 a ptwr store records each decision: pv_ro_page_fault, ptwr_do_page_fault, x86_emulate, update")
    void successfulStoreRecords() {
        long val = e(NEWDATA, UP);
        ScenarioRunner.Run r = PvFixture.pv64().run(write(VA_L1 + 8 * 9, 8, val, Insn.MOV));
        assertThat(outcome(r, 0)).isEmulated("ptwr");
        List<Map<String, String>> ro = calls(r, 0, "pv_ro_page_fault");
        assertThat(ro).hasSize(2);
        assertThat(ro.get(0)).containsEntry("va", hex(VA_L1 + 72));
        assertThat(ro.get(1)).containsEntry("result", "OKAY").containsEntry("path", "ptwr")
                .containsEntry("pte", hex(word(r, pteAddr(L1, 3))));
        List<Map<String, String>> pf = calls(r, 0, "ptwr_do_page_fault");
        assertThat(pf).hasSize(2);
        assertThat(pf.get(0)).containsEntry("va", hex(VA_L1 + 72)).containsEntry("mfn", hex(L1));
        assertThat(pf.get(1)).containsEntry("result", "OKAY").containsEntry("mfn", hex(L1));
        List<Map<String, String>> emu = calls(r, 0, "x86_emulate");
        assertThat(emu).hasSize(2);
        assertThat(emu.get(0)).containsEntry("ops", "ptwr_emulate_ops").containsEntry("insn", "mov")
                .containsEntry("size", "8");
        assertThat(emu.get(1)).containsEntry("result", "OKAY").containsEntry("injected_failure", "false");
        assertThat(calls(r, 0, "ptwr_emulated_update")).singleElement().satisfies(c -> assertThat(c)
                .containsEntry("result", "OKAY").containsEntry("addr", hex(VA_L1 + 72)).containsEntry("old", "0x0")
                .containsEntry("new", hex(val | EntryBits.G)));
        assertThat(notes(r, 0)).contains("RIP advanced past the emulated instruction");
    }

    @Test
    @DisplayName("pv.8 3.1 has no pv_ro_page_fault wrapper: no such record (not even an unnamed one)")
    void xen31HasNoWrapperRecord() {
        ScenarioRunner.Run r = PvFixture.pv64().profile(XenProfile.XEN_3_1).run(
                write(VA_L1 + 8 * 9, 8, e(NEWDATA, UP), Insn.MOV));
        assertThat(outcome(r, 0)).isEmulated("ptwr");
        assertThat(calls(r, 0, "pv_ro_page_fault")).isEmpty();
        assertThat(calls(r, 0, "")).isEmpty();
        assertThat(calls(r, 0, "ptwr_do_page_fault")).isNotEmpty();
    }

    @Test
    @DisplayName("pv.3.1 step 3: an RW L1 entry under a read-only L2 entry is forwarded (why: not present+read-only)")
    void readWriteL1eIsForwarded() {
        PvFixture f = PvFixture.pv64();
        f.pte(L2, 1, e(L1B, P | US | A)).pte(L1B, 0, e(NEWDATA, UP));
        ScenarioRunner.Run r = f.run(write(0x200000, 8, 0x41, Insn.MOV));
        assertThat(outcome(r, 0)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, 0x200000);
        assertThat(calls(r, 0, "pv_ro_page_fault")).anySatisfy(c -> assertThat(c).containsEntry("result", "0")
                .containsEntry("why", "effective L1e not present+read-only"));
        assertThat(calls(r, 0, "ptwr_do_page_fault")).isEmpty();
    }

    @Test
    @DisplayName("pv.3.1 step 5: a read-only mapping of another domain's frame: no general reference -> forwarded")
    void foreignFrameBehindReadOnlyMapping() {
        ScenarioRunner.Run r = PvFixture.pv64().run(step(new HostWrite(pteAddr(L1, 7), 8, e(FOREIGN, P | US | A))),
                write(0x7000, 8, 0x41, Insn.MOV));
        assertThat(outcome(r, 1)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, 0x7000);
        assertThat(calls(r, 1, "ptwr_do_page_fault")).anySatisfy(c -> assertThat(c)
                .containsEntry("result", "UNHANDLEABLE").containsEntry("why", "frame not owned by the domain")
                .containsEntry("mfn", hex(FOREIGN)));
    }

    @Test
    @DisplayName("pv.3.2 ptwr_emulated_write: a 16-byte store (MOVDQU) is UNHANDLEABLE, the guest gets its #PF")
    void sixteenByteStoreRefused() {
        long before = PvFixture.l1e1(PvFixture.pv64());
        ScenarioRunner.Run r = PvFixture.pv64().run(write(VA_L1 + 16, 16, 0x41, Insn.MOVDQU));
        assertThat(outcome(r, 0)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, VA_L1 + 16);
        assertThat(calls(r, 0, "ptwr_emulated_write")).singleElement().satisfies(c -> assertThat(c)
                .containsEntry("result", "UNHANDLEABLE").containsEntry("why", "bad write size 16"));
        assertThat(word(r, pteAddr(L1, 1))).isEqualTo(before);
    }

    @Test
    @DisplayName("pv.3.3 rule 1 in ptwr: disallowed flags (PCD for a domU) -> UNHANDLEABLE, why names the flag")
    void disallowedFlagsThroughPtwr() {
        long val = e(NEWDATA, UP | EntryBits.PCD);
        ScenarioRunner.Run r = PvFixture.pv64().run(write(VA_L1 + 8 * 9, 8, val, Insn.MOV));
        assertThat(outcome(r, 0)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, VA_L1 + 72);
        assertThat(calls(r, 0, "ptwr_emulated_update")).singleElement().satisfies(c -> assertThat(c)
                .containsEntry("result", "UNHANDLEABLE").containsEntry("why", "get_page_from_l1e: -EINVAL (L1 entry "
                        + hex(val) + " has disallowed flags PCD)"));
    }

    @Test
    @DisplayName("pv.3.3 rule 2 in ptwr: an I/O frame without I/O-memory permission -> UNHANDLEABLE, why says so")
    void ioFrameWithoutPermission() {
        // The first frame beyond RAM (MAXPHYADDR 40): not mfn_valid, so I/O; the domain has no I/O memory.
        long val = e(1L << 28, UP);
        ScenarioRunner.Run r = PvFixture.pv64().run(write(VA_L1 + 8 * 9, 8, val, Insn.MOV));
        assertThat(calls(r, 0, "ptwr_emulated_update")).singleElement().satisfies(c -> assertThat(c.get("why"))
                .isEqualTo("get_page_from_l1e: -EPERM (L1 entry " + hex(val) + " maps I/O or non-RAM frame "
                        + "0x10000000 without I/O-memory permission)"));
    }

    @Test
    @DisplayName("pv.3.3 rule 2: a read-only PTE for a read-only MMIO frame is stored read-only (no RW flip)")
    void readOnlyMmioMappingStaysReadOnly() {
        long uc = EntryBits.PCD | EntryBits.PWT;
        ScenarioRunner.Run r = PvFixture.pv64().param("mmio_ro_mfn", 0xfee00).run(
                write(VA_L1 + 8 * 9, 8, e(0xfee00, P | US | A | uc), Insn.MOV));
        assertThat(outcome(r, 0)).isEmulated("ptwr");
        assertThat(word(r, pteAddr(L1, 9))).isEqualTo(e(0xfee00, P | US | A | uc) | EntryBits.G);
    }

    @Test
    @DisplayName("pv.3.2 a 4-byte store to bytes 4-7 replaces the whole upper half (NX cleared), the lower half kept")
    void upperHalfStoreReplacesTheUpperHalf() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1, 9, e(NEWDATA, UP) | EntryBits.XD);
        long before = word(f.run(), pteAddr(L1, 9));
        assertThat(before & EntryBits.XD).isNotZero();
        PvFixture g = PvFixture.pv64();
        g.pte(L1, 9, e(NEWDATA, UP) | EntryBits.XD);
        ScenarioRunner.Run r = g.run(write(VA_L1 + 72 + 4, 4, 0, Insn.MOV));
        assertThat(outcome(r, 0)).isEmulated("ptwr");
        assertThat(word(r, pteAddr(L1, 9))).isEqualTo(before & 0xFFFF_FFFFL);
    }

    @Test
    @DisplayName("pv.3.2 a 4-byte CMPXCHG of a PTE's lower half splices the compare value too: RW dropped, PTE stored")
    void subWordCmpxchgLowerHalf() {
        long before = PvFixture.l1e1(PvFixture.pv64());
        long low = before & 0xFFFF_FFFFL;
        ScenarioRunner.Run r = PvFixture.pv64().run(step(cmpxchg(VA_L1 + 8, 4, low, low & ~EntryBits.RW)));
        assertThat(outcome(r, 0)).isEmulated("ptwr");
        assertThat(word(r, pteAddr(L1, 1))).isEqualTo(before & ~EntryBits.RW);
        assertThat(calls(r, 0, "ptwr_emulated_update")).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("result", "OKAY").containsEntry("old", hex(before)));
    }

    @Test
    @DisplayName("pv.3.2 a 4-byte CMPXCHG of a PTE's upper half: compare value shifted into bytes 4-7; NX cleared")
    void subWordCmpxchgUpperHalf() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1, 9, e(NEWDATA, UP) | EntryBits.XD);
        long before = word(f.run(), pteAddr(L1, 9));
        PvFixture g = PvFixture.pv64();
        g.pte(L1, 9, e(NEWDATA, UP) | EntryBits.XD);
        ScenarioRunner.Run r = g.run(step(cmpxchg(VA_L1 + 72 + 4, 4, before >>> 32, 0)));
        assertThat(outcome(r, 0)).isEmulated("ptwr");
        assertThat(word(r, pteAddr(L1, 9))).isEqualTo(before & 0xFFFF_FFFFL);
    }

    @Test
    @DisplayName("pv.3.4 log-dirty off: a ptwr store marks no frame dirty")
    void noDirtyMarkWithoutLogDirty() {
        ScenarioRunner.Run r = PvFixture.pv64().run(write(VA_L1 + 8 * 9, 8, e(NEWDATA, UP), Insn.MOV));
        assertThat(outcome(r, 0)).isEmulated("ptwr");
        assertThat(PvFixture.view(r).dirtyFrames()).isEmpty();
    }

    @Test
    @DisplayName("pv.3.6 mmio_ro: a CMPXCHG to a read-only MMIO frame is unhandleable (only plain writes): #PF forwarded")
    void mmioRoCmpxchgIsForwarded() {
        PvFixture f = PvFixture.pv64().param("mmio_ro_mfn", MmioRoDecisionPointsTest.MMIO);
        f.hardwareDomain = true;
        f.assists.clear();
        f.pte(L1, 8, e(MmioRoDecisionPointsTest.MMIO, UP));
        ScenarioRunner.Run r = f.run(step(cmpxchg(MmioRoDecisionPointsTest.VA, 8, 0, 1)));
        assertThat(outcome(r, 0)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, MmioRoDecisionPointsTest.VA);
        assertThat(calls(r, 0, "mmio_ro_do_page_fault")).anySatisfy(c -> assertThat(c)
                .containsEntry("result", "UNHANDLEABLE"));
    }

    @Test
    @DisplayName("pv.3.2 ptwr_emulated_update: a store not naturally aligned is UNHANDLEABLE (recorded), #PF forwarded")
    void misalignedStoreRefused() {
        long before = PvFixture.l1e1(PvFixture.pv64());
        ScenarioRunner.Run r = PvFixture.pv64().run(write(VA_L1 + 12, 8, 0, Insn.MOV));
        assertThat(outcome(r, 0)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, VA_L1 + 12);
        assertThat(calls(r, 0, "ptwr_emulated_update")).singleElement().satisfies(c -> assertThat(c)
                .containsEntry("result", "UNHANDLEABLE")
                .containsEntry("why", "store not naturally aligned inside the faulting page")
                .containsEntry("addr", hex(VA_L1 + 12)).containsEntry("bytes", "8"));
        assertThat(word(r, pteAddr(L1, 1))).isEqualTo(before);
    }
}
