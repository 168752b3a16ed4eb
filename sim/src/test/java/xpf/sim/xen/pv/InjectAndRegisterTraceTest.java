package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.PvFixture.GP_HANDLER;
import static xpf.sim.xen.pv.PvFixture.HANDLER;
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
import xpf.model.scenario.XenProfile;
import xpf.sim.scenario.ScenarioRunner;

/**
 * What {@code xpf explain} shows for queuing and registering handlers (xen-pv-fault-path.md §2.3, §5.1, §5.2):
 * {@code fixup_page_fault}'s entry line, {@code handle_gdt_ldt_mapping_fault} → {@code do_general_protection} with
 * the selector, {@code pv_inject_event} (4.22 only; 3.1 filled the bounce inline) with vector, error code, handler,
 * CS and TBF flags, and {@code do_set_trap_table}'s lines (xen/arch/x86/pv/callback.c, 4.22; 3.1 traps.c).
 */
class InjectAndRegisterTraceTest {

    @Test
    @DisplayName("pv.5.2 pv_inject_event for #GP(0x1238): the line shows the hex error code, handler, CS and flags "
            + "TBF_EXCEPTION|TBF_EXCEPTION_ERRCODE")
    void injectEventLineForGp() {
        ScenarioRunner.Run r = PvFixture.pv64().run(PvFixture.implicitRead(PvLayout.GDT_LDT_VIRT_START + 0x1238));
        assertThat(outcome(r, 0)).isDelivered(13, 0x1238).hasHandler(GP_HANDLER);
        assertThat(TraceLines.of(r, "CALL pv_inject_event")).containsExactly(
                "CALL pv_inject_event vector=13 ec=0x1238 handler=0xffffffff81000100 cs=0xe033 flags=3");
        assertThat(TraceLines.of(r, "CALL handle_gdt_ldt_mapping_fault")).containsExactly(
                "CALL handle_gdt_ldt_mapping_fault offset=0x1238 vcpu_area=0x0 half=gdt");
        assertThat(TraceLines.of(r, "CALL do_general_protection")).containsExactly(
                "CALL do_general_protection error_code=0x1238");
    }

    @Test
    @DisplayName("pv.5.2 pv_inject_event for #PF shows the error code symbolically; a trap gate that disables "
            + "events adds TBF_INTERRUPT (flags 11)")
    void injectEventLineForPf() {
        ScenarioRunner.Run r = PvFixture.pv64().trap(14, 0xe033, HANDLER, 4).run(read(0x9000));
        assertThat(TraceLines.of(r, "CALL pv_inject_event")).containsExactly(
                "CALL pv_inject_event vector=14 ec=0 handler=0xffffffff81000000 cs=0xe033 flags=11");
        assertThat(TraceLines.of(r, "CALL fixup_page_fault va=")).containsExactly(
                "CALL fixup_page_fault va=0x9000 ec=U");
    }

    @Test
    @DisplayName("pv.8 Xen 3.1 had no pv_inject_event: no such line, the #GP is still delivered")
    void noInjectEventLineIn31() {
        ScenarioRunner.Run r = PvFixture.pv64().profile(XenProfile.XEN_3_1)
                .run(PvFixture.implicitRead(PvLayout.GDT_LDT_VIRT_START + 0x1238));
        assertThat(outcome(r, 0)).isDelivered(13, 0x1238).hasHandler(GP_HANDLER);
        assertThat(TraceLines.of(r, "CALL pv_inject_event")).isEmpty();
        assertThat(r.trace().render()).doesNotContain(" pv_inject_event ");
    }

    @Test
    @DisplayName("pv.6 3.1: a fault in another vCPU's GDT/LDT area shows the BUG_ON that panics Xen")
    void bugOnLineIn31() {
        long otherVcpuArea = PvLayout.GDT_LDT_VIRT_START + (1L << PvLayout.GDT_LDT_VCPU_VA_SHIFT) + 0x10000;
        ScenarioRunner.Run r = PvFixture.pv64().profile(XenProfile.XEN_3_1).run(PvFixture.implicitRead(otherVcpuArea));
        assertThat(outcome(r, 0)).isPanic("gdt_ldt_bug_on");
        assertThat(TraceLines.of(r, "CALL BUG_ON")).containsExactly(
                "CALL BUG_ON condition=vcpu_area != current->vcpu_id");
    }

    @Test
    @DisplayName("pv.5.1 set_trap_table accepts vectors 0 and 255 (the range is 0..255) and shows each entry")
    void trapTableVectorBounds() {
        HypercallOp set = new HypercallOp.SetTrapTable(List.of(new TrapInfoSpec(0, 0, 0xe033, 0xffffffff81000a00L),
                new TrapInfoSpec(255, 4, 0xe030, 0xffffffff81000b00L)), false);
        ScenarioRunner.Run r = PvFixture.pv64().run(hypercall(set));
        assertThat(outcome(r, 0)).returned("set_trap_table", 0);
        assertThat(PvFixture.view(r).vcpus().get(0).trapTable()).contains(
                new TrapInfo(0, 0, 0xe033, 0xffffffff81000a00L), new TrapInfo(255, 4, 0xe033, 0xffffffff81000b00L));
        assertThat(TraceLines.of(r, "CALL do_set_trap_table vector=")).containsExactly(
                "CALL do_set_trap_table vector=0 cs=0xe033 address=0xffffffff81000a00 flags=0",
                "CALL do_set_trap_table vector=255 cs=0xe033 address=0xffffffff81000b00 flags=4");
    }

    @Test
    @DisplayName("pv.5.1 set_trap_table with a null handle clears the virtual IDT and says so")
    void nullHandleLine() {
        ScenarioRunner.Run r = PvFixture.pv64().run(hypercall(new HypercallOp.SetTrapTable(List.of(), true)));
        assertThat(outcome(r, 0)).returned("set_trap_table", 0);
        assertThat(PvFixture.view(r).vcpus().get(0).trapTable()).isEmpty();
        assertThat(TraceLines.of(r, "CALL do_set_trap_table")).containsExactly(
                "CALL do_set_trap_table result=0 table=NULL (cleared)");
    }

    @Test
    @DisplayName("pv.9 XSA-7 hardening (4.22): a non-canonical handler address is -EINVAL, with the reason shown")
    void nonCanonicalLine() {
        HypercallOp set = new HypercallOp.SetTrapTable(List.of(new TrapInfoSpec(14, 0, 0xe033,
                0x0000800000000000L)), false);
        ScenarioRunner.Run r = PvFixture.pv64().run(hypercall(set));
        assertThat(outcome(r, 0)).returned("set_trap_table", -Errno.EINVAL);
        assertThat(TraceLines.of(r, "CALL do_set_trap_table")).containsExactly(
                "CALL do_set_trap_table result=-EINVAL vector=14 address=0x800000000000 why=non-canonical");
    }

    @Test
    @DisplayName("pv.5.1 vm_assist disable shows cmd=disable")
    void vmAssistDisableLine() {
        ScenarioRunner.Run r = PvFixture.pv64().run(hypercall(new HypercallOp.VmAssist(1, 2)));
        assertThat(outcome(r, 0)).returned("vm_assist", 0);
        assertThat(TraceLines.of(r, "CALL do_vm_assist")).containsExactly("CALL do_vm_assist cmd=disable type=2 result=0");
        assertThat(PvFixture.view(r).vmAssist()).doesNotContain("writable_pagetables");
    }
}
