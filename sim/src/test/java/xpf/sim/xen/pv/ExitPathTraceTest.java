package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.PvFixture.HANDLER32;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.read;
import static xpf.sim.xen.pv.PvFixture.step;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Hypercall;
import xpf.model.scenario.HypercallOp;
import xpf.model.scenario.Knobs;
import xpf.model.scenario.Step;
import xpf.model.x86.PfErrorCode;
import xpf.sim.scenario.ScenarioRunner;

/**
 * The way out to a PV guest as {@code xpf explain} shows it (xen-pv-fault-path.md §5.3-§5.5, §5.7;
 * xen/arch/x86/x86_64/entry.S and compat/entry.S, 3.1 and 4.22): {@code test_all_events} with what is pending,
 * {@code process_guest_events} for the upcall, the {@code create_bounce_frame} / {@code compat_create_bounce_frame}
 * line with the ring the guest came from, the resume at the handler and {@code restore_all_guest}, and the page walk
 * Xen prints when a bounce-frame store faults.
 */
class ExitPathTraceTest {
    static final long CALLBACK = 0xffffffff81000800L;
    static final Knobs EVENTS = new Knobs(false, null, false, true);
    /** A hypercall (vm_assist enable writable_pagetables, already on) with an event pending on the way out. */
    static final Step ENABLE_PTWR_WITH_EVENTS = step(new Hypercall(new HypercallOp.VmAssist(0, 2)), EVENTS);

    @Test
    @DisplayName("pv.5.3 test_all_events shows a pending trap bounce; the resume line shows the handler")
    void pendingExceptionLines() {
        ScenarioRunner.Run r = PvFixture.pv64().run(read(0x9000));
        assertThat(TraceLines.of(r, "CALL test_all_events")).containsExactly(
                "CALL test_all_events trap_bounce=pending upcall_pending=0 upcall_mask=0");
        assertThat(TraceLines.of(r, "CALL create_bounce_frame")).containsExactly(
                "CALL create_bounce_frame from=test_all_events mode=kernel base=0x6800 vector=14");
        assertThat(TraceLines.of(r, "RESUME")).containsExactly(
                "RESUME bounce handler=0xffffffff81000000 rsp=0x67c0 upcall_mask=0",
                "RESUME restore_all_guest rip=0xffffffff81000000 cs=0xe033 rsp=0x67c0 kernel_mode=true");
    }

    @Test
    @DisplayName("pv.5.3 an event upcall alone (on the way out of a hypercall): process_guest_events, a frame "
            + "without error code (RSP = base - 56), TBF_INTERRUPT masks events")
    void upcallOnly() {
        ScenarioRunner.Run r = PvFixture.pv64().param("event_callback", CALLBACK).run(ENABLE_PTWR_WITH_EVENTS);
        assertThat(TraceLines.of(r, "CALL test_all_events")).containsExactly(
                "CALL test_all_events trap_bounce=none upcall_pending=1 upcall_mask=0");
        assertThat(TraceLines.of(r, "CALL process_guest_events")).containsExactly(
                "CALL process_guest_events callback=0xffffffff81000800");
        PvDomainView.Vcpu v = PvFixture.view(r).vcpus().get(0);
        assertThat(v.rip()).isEqualTo(CALLBACK);
        assertThat(v.rsp()).as("SS, RSP, CS, RFLAGS, RIP, R11, RCX: 7 words, no error code").isEqualTo(0x6800 - 56);
        assertThat(v.upcallMask()).isEqualTo(1);
        assertThat(TraceLines.of(r, "RESUME bounce")).containsExactly(
                "RESUME bounce handler=0xffffffff81000800 rsp=0x67c8 upcall_mask=1");
    }

    @Test
    @DisplayName("pv.5.3 an upcall on top of a #PF frame has no error code either: its RSP is its base - 56")
    void upcallOnTopOfAPageFault() {
        ScenarioRunner.Run r = PvFixture.pv64().param("event_callback", CALLBACK).run(
                step(GuestAccess.read(0x9000), EVENTS));
        assertThat(outcome(r, 0)).isDeliveredPageFault(0, 0x9000).hasFrameSlot("upcall_base", 0x6800 - 64);
        assertThat(PvFixture.view(r).vcpus().get(0).rsp()).isEqualTo(0x6800 - 64 - 56);
    }

    @Test
    @DisplayName("pv.5.5 32-bit: the bounce line names the ring the guest came from (1 or 3) and the frame base")
    void compatRingInTheBounceLine() {
        ScenarioRunner.Run ring1 = PvFixture.pv32().run(read(0x9000));
        assertThat(TraceLines.of(ring1, "CALL compat_create_bounce_frame")).containsExactly(
                "CALL compat_create_bounce_frame from=test_all_events ring=1 base=0x6800 vector=14");
        assertThat(TraceLines.of(ring1, "RESUME")).containsExactly(
                "RESUME bounce handler=0xc0100000 esp=0x67f0 upcall_mask=0",
                "RESUME restore_all_guest rip=0xc0100000 cs=0xe019 rsp=0x67f0 kernel_mode=true");
        PvFixture user = PvFixture.pv32();
        user.kernelMode = false;
        ScenarioRunner.Run ring3 = user.run(read(0x9000));
        assertThat(outcome(ring3, 0)).isDeliveredPageFault(PfErrorCode.U, 0x9000);
        assertThat(TraceLines.of(ring3, "CALL compat_create_bounce_frame")).containsExactly(
                "CALL compat_create_bounce_frame from=test_all_events ring=3 base=0x7000 vector=14");
        assertThat(TraceLines.of(ring3, "RESUME restore_all_guest")).containsExactly(
                "RESUME restore_all_guest rip=0xc0100000 cs=0xe019 rsp=0x6fe8 kernel_mode=true");
        assertThat(PvFixture.view(ring3).vcpus().get(0).rip()).isEqualTo(HANDLER32);
    }

    @Test
    @DisplayName("pv.5.7 a bounce-frame store that faults: Xen prints the page walk of the address, then "
            + "asm_domain_crash_synchronous")
    void faultingBounceStoreLines() {
        PvFixture f = PvFixture.pv64();
        f.rsp = 0x9800; // not mapped: the first store (SS at base - 8) faults
        ScenarioRunner.Run r = f.run(read(0x9000));
        assertThat(outcome(r, 0)).isDomainCrash("bounce_frame_fault");
        assertThat(TraceLines.of(r, "CALL show_page_walk")).containsExactly("CALL show_page_walk va=0x97f8");
        assertThat(TraceLines.of(r, "CALL asm_domain_crash_synchronous")).containsExactly(
                "CALL asm_domain_crash_synchronous reason=bounce_frame_fault");
    }

    @Test
    @DisplayName("pv.5.6 no handler: asm_domain_crash_synchronous names the vector's reason")
    void noHandlerLine() {
        ScenarioRunner.Run r = PvFixture.pv64().noTraps().run(read(0x9000));
        assertThat(TraceLines.of(r, "CALL asm_domain_crash_synchronous")).containsExactly(
                "CALL asm_domain_crash_synchronous reason=no_pf_handler");
        assertThat(TraceLines.of(r, "RESUME")).as("the guest never resumes").isEmpty();
    }
}
