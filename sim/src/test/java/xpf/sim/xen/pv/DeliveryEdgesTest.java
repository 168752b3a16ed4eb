package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.PvFixture.HANDLER;
import static xpf.sim.xen.pv.PvFixture.HANDLER32;
import static xpf.sim.xen.pv.PvFixture.hypercall;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.read;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.Errno;
import xpf.model.scenario.HypercallOp;
import xpf.model.scenario.TrapInfoSpec;
import xpf.model.x86.PfErrorCode;
import xpf.sim.scenario.ScenarioRunner;

/**
 * Registering and using the guest's handlers (xen-pv-fault-path.md §1 {@code null_trap_bounce}, §5.1
 * {@code do_set_trap_table}, §5.2 {@code pv_inject_event}, §5.6): a 32-bit guest's handler is "null" when its
 * code selector is, a 64-bit guest's when its address is; a 32-bit kernel's selectors get RPL 1 and its addresses
 * are 32 bits; {@code vm_assist} switches assists on and off.
 */
class DeliveryEdgesTest {

    @Test
    @DisplayName("pv.5.6 32-bit: a #PF handler with a null code selector is no handler: domain crash at delivery")
    void thirtyTwoBitNullSelectorIsNoHandler() {
        ScenarioRunner.Run r = PvFixture.pv32().trap(14, 0, HANDLER32, 0).run(read(0x9000));
        assertThat(outcome(r, 0)).isDomainCrash("no_pf_handler");
        assertThat(r.trace().render()).contains("Unhandled: vec 14, #PF[0000] (no handler registered)");
    }

    @Test
    @DisplayName("pv.5.6 64-bit: only the address makes a handler null; a handler registered with CS 0 is used")
    void sixtyFourBitNullIsTheAddress() {
        ScenarioRunner.Run r = PvFixture.pv64().trap(14, 0, HANDLER, 0).run(read(0x9000));
        assertThat(outcome(r, 0)).isDeliveredPageFault(0, 0x9000).hasHandler(HANDLER);
        assertThat(PvFixture.view(r).vcpus().get(0).cs()).isEqualTo(PvLayout.FLAT_KERNEL_CS64);
        assertThat(r.trace().render()).doesNotContain("Unhandled: vec 14");
    }

    @Test
    @DisplayName("pv.5.1 32-bit set_trap_table: RPL raised to 1 (RPL 3 kept), address kept to 32 bits, no canonical "
            + "check")
    void thirtyTwoBitTrapTable() {
        HypercallOp set = new HypercallOp.SetTrapTable(List.of(new TrapInfoSpec(3, 0, 0xe018, 0xc0100300L),
                new TrapInfoSpec(4, 0, 0xe02b, 0xc0100400L),
                new TrapInfoSpec(5, 0, 0xe019, 0x8000_0000_c010_0500L)), false);
        ScenarioRunner.Run r = PvFixture.pv32().run(hypercall(set));
        assertThat(outcome(r, 0)).returned("set_trap_table", 0);
        List<TrapInfo> tt = PvFixture.view(r).vcpus().get(0).trapTable();
        assertThat(tt).contains(new TrapInfo(3, 0, 0xe019, 0xc0100300L), new TrapInfo(4, 0, 0xe02b, 0xc0100400L),
                new TrapInfo(5, 0, 0xe019, 0xc0100500L));
    }

    @Test
    @DisplayName("pv.5.1 64-bit set_trap_table keeps only 16 bits of CS and 8 bits of flags")
    void trapTableFieldWidths() {
        HypercallOp set = new HypercallOp.SetTrapTable(List.of(new TrapInfoSpec(6, 0x104, 0x1e033,
                0xffffffff81000600L)), false);
        ScenarioRunner.Run r = PvFixture.pv64().run(hypercall(set));
        assertThat(PvFixture.view(r).vcpus().get(0).trapTable())
                .contains(new TrapInfo(6, 4, 0xe033, 0xffffffff81000600L));
    }

    @Test
    @DisplayName("pv.5.1 a vector outside 0..255 is -EINVAL")
    void vectorRange() {
        HypercallOp set = new HypercallOp.SetTrapTable(List.of(new TrapInfoSpec(256, 0, 0xe033, HANDLER)), false);
        assertThat(PvFixture.pv64().last(hypercall(set))).returned("set_trap_table", -Errno.EINVAL);
    }

    @Test
    @DisplayName("pv.2.3d vm_assist(enable, writable_pagetables) after a disable turns ptwr back on")
    void vmAssistEnable() {
        long pte = PvFixture.e(PvFixture.NEWDATA, PvFixture.UP);
        ScenarioRunner.Run r = PvFixture.pv64().run(hypercall(new HypercallOp.VmAssist(1, 2)),
                PvFixture.write(PvFixture.VA_L1 + 16, pte), hypercall(new HypercallOp.VmAssist(0, 2)),
                PvFixture.write(PvFixture.VA_L1 + 16, pte));
        assertThat(outcome(r, 1)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, PvFixture.VA_L1 + 16);
        assertThat(outcome(r, 2)).returned("vm_assist", 0);
        assertThat(outcome(r, 3)).isEmulated("ptwr");
        assertThat(r.trace().render()).contains("do_vm_assist cmd=enable type=2 result=0")
                .contains("do_vm_assist cmd=disable type=2 result=0");
    }
}
