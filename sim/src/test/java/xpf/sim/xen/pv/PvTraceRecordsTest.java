package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.PvFixture.implicitRead;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.step;
import static xpf.sim.xen.pv.PvFixture.write;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.ControlWrite;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.PfErrorCode;
import xpf.sim.scenario.ScenarioRunner;

/**
 * The TRC_PV_* xentrace records of xen-pv-fault-path.md §7 (public/trace.h, xen/arch/x86/pv/trace.c, Xen 4.3+;
 * none in 3.1) as {@code xpf explain} prints them: 64-bit guests OR in TRC_64_FLAG (0x100) and split each 64-bit
 * field into two 32-bit words, low first; 32-bit guests record 32-bit fields. TRC_PV_TRAP packs
 * {trapnr:15, use_error_code:1} and the 16-bit error code into one word ({@code trace_pv_trap}), and is emitted by
 * {@code pv_inject_event} for vectors other than 14, which get TRC_PV_PAGE_FAULT.
 */
class PvTraceRecordsTest {
    /** 64-bit #GP(0x1238): a guest read of GDT byte 0x1238 of vCPU 0's GDT/LDT area (§2.4). */
    static ScenarioRunner.Run gdtGp(XenProfile p) {
        return PvFixture.pv64().profile(p).run(implicitRead(PvLayout.GDT_LDT_VIRT_START + 0x1238));
    }

    /** 32-bit #GP(0): a ring-1 kernel's mov to CR3 with a frame Xen refuses. */
    static ScenarioRunner.Run compatGp() {
        return PvFixture.pv32().run(step(new ControlWrite(0x99999000L, Set.of(), Set.of(), null, null)));
    }

    @Test
    @DisplayName("pv.7 64-bit TRC_PV_TRAP (0x00201103): rip low, rip high, {vector 13, use_error_code, ec 0x1238}")
    void trapRecord64() {
        ScenarioRunner.Run r = gdtGp(XenProfile.XEN_4_22);
        assertThat(outcome(r, 0)).isDelivered(13, 0x1238);
        assertThat(TraceLines.of(r, "XENTRACE")).containsExactly(
                "XENTRACE TRC_PV_TRAP id=0x00201103 d0=0x80001234 d1=0xffffffff d2=0x1238800d");
    }

    @Test
    @DisplayName("pv.7 32-bit TRC_PV_TRAP (0x00201003): eip, {vector 13, use_error_code, ec 0}")
    void trapRecord32() {
        ScenarioRunner.Run r = compatGp();
        assertThat(outcome(r, 0)).isDelivered(13, 0);
        assertThat(TraceLines.of(r, "XENTRACE")).containsExactly(
                "XENTRACE TRC_PV_TRAP id=0x00201003 d0=0xc0001234 d1=0x800d");
    }

    @Test
    @DisplayName("pv.8 Xen 3.1 had no TRC_PV events: the same #GP records nothing")
    void noTrapRecordIn31() {
        ScenarioRunner.Run r = gdtGp(XenProfile.XEN_3_1);
        assertThat(outcome(r, 0)).isDelivered(13, 0x1238);
        assertThat(TraceLines.of(r, "XENTRACE")).isEmpty();
    }

    @Test
    @DisplayName("pv.7 32-bit TRC_PV_PAGE_FAULT (0x00201004): eip, cr2, error code (after the U rewrite)")
    void pageFaultRecord32() {
        ScenarioRunner.Run r = PvFixture.pv32().run(write(0x5000, 1));
        assertThat(outcome(r, 0)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, 0x5000);
        assertThat(TraceLines.of(r, "XENTRACE")).containsExactly(
                "XENTRACE TRC_PV_PAGE_FAULT id=0x00201004 d0=0xc0001234 d1=0x5000 d2=0x3");
    }

    @Test
    @DisplayName("pv.7 TRC_PV_PAGING_FIXUP after a log-dirty fix: 64-bit 0x00201109 {rip lo, rip hi, addr lo, "
            + "addr hi}; 32-bit 0x00201009 {eip, addr}")
    void pagingFixupRecords() {
        ScenarioRunner.Run r64 = PvFixture.pv64().param("log_dirty", 1).run(write(0x1008, 1));
        assertThat(TraceLines.of(r64, "XENTRACE")).containsExactly(
                "XENTRACE TRC_PV_PAGING_FIXUP id=0x00201109 d0=0x80001234 d1=0xffffffff d2=0x1008 d3=0x0");
        ScenarioRunner.Run r32 = PvFixture.pv32().param("log_dirty", 1).run(write(0x1008, 1));
        assertThat(TraceLines.of(r32, "XENTRACE")).containsExactly(
                "XENTRACE TRC_PV_PAGING_FIXUP id=0x00201009 d0=0xc0001234 d1=0x1008");
    }
}
