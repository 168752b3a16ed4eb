package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.PvFixture.HANDLER;
import static xpf.sim.xen.pv.PvFixture.HANDLER32;
import static xpf.sim.xen.pv.PvFixture.RIP;
import static xpf.sim.xen.pv.PvFixture.RIP32;
import static xpf.sim.xen.pv.PvFixture.STACK;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.read;
import static xpf.sim.xen.pv.PvFixture.step;
import static xpf.sim.xen.pv.PvFixture.word;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Knobs;
import xpf.model.x86.PfErrorCode;
import xpf.sim.scenario.ScenarioRunner;

/** The exact bounce frames of create_bounce_frame (64-bit, §5.4) and compat_create_bounce_frame (32-bit, §5.5). */
class BounceFrameTest {

    @Test
    @DisplayName("pv.5.4 64-bit from kernel: {RCX,R11,EC,RIP,CS&~3|mask<<32,RFLAGS,RSP,SS} below RSP&~15")
    void kernelModeFrameLayout() {
        PvFixture f = PvFixture.pv64();
        f.rsp = 0x6808;
        ScenarioRunner.Run r = f.run(read(0x9000));
        assertThat(outcome(r, 0)).isDeliveredPageFault(0, 0x9000).hasHandler(HANDLER)
                .hasFrameSlots("rcx", "r11", "error_code", "rip", "cs", "rflags", "rsp", "ss", "base")
                .hasFrameSlot("rip", RIP).hasFrameSlot("cs", 0xe030).hasFrameSlot("rflags", 0x202)
                .hasFrameSlot("rsp", 0x6808).hasFrameSlot("ss", 0xe02b).hasFrameSlot("base", 0x6800);
        long base = (STACK << 12) + 0x800;
        assertThat(word(r, base - 8)).isEqualTo(0xe02b);
        assertThat(word(r, base - 16)).isEqualTo(0x6808);
        assertThat(word(r, base - 24)).isEqualTo(0x202);
        assertThat(word(r, base - 32)).isEqualTo(0xe030);
        assertThat(word(r, base - 40)).isEqualTo(RIP);
        assertThat(word(r, base - 48)).isEqualTo(0);
        PvDomainView.Vcpu v = PvFixture.view(r).vcpus().get(0);
        assertThat(v.rsp()).isEqualTo(0x6800 - 64);
        assertThat(v.rip()).isEqualTo(HANDLER);
        assertThat(v.cs()).isEqualTo(0xe033);
        assertThat(v.ctrlreg2()).isEqualTo(0x9000);
        assertThat(v.vcpuInfoCr2()).isEqualTo(0x9000);
    }

    @Test
    @DisplayName("pv.5.4 64-bit from user: toggle to the kernel L4, frame at kernel_sp, CS keeps RPL 3")
    void userModeFrameGoesToKernelStack() {
        PvFixture f = PvFixture.pv64().user();
        f.rsp = 0x12345;
        f.kernelSp = 0x700c;
        ScenarioRunner.Run r = f.run(read(0x9000));
        assertThat(outcome(r, 0)).isDeliveredPageFault(PfErrorCode.U, 0x9000).hasFrameSlot("base", 0x7000)
                .hasFrameSlot("cs", 0xe033).hasFrameSlot("rsp", 0x12345);
        assertThat(PvFixture.view(r).vcpus().get(0).kernelMode()).isTrue();
    }

    @Test
    @DisplayName("pv.5.4 the old upcall mask goes to CS bits 32-39 and RFLAGS.IF = !mask; TBF_INTERRUPT masks")
    void upcallMaskInCsAndIf() {
        PvFixture masked = PvFixture.pv64().param("upcall_mask", 1);
        assertThat(masked.last(read(0x9000))).hasFrameSlot("cs", 0x1_0000_e030L).hasFrameSlot("rflags", 0x2);
        PvFixture disabling = PvFixture.pv64().trap(14, 0xe033, HANDLER, 4);
        ScenarioRunner.Run r = disabling.run(read(0x9000));
        assertThat(outcome(r, 0)).hasFrameSlot("cs", 0xe030).hasFrameSlot("rflags", 0x202);
        assertThat(PvFixture.view(r).vcpus().get(0).upcallMask()).isEqualTo(1);
    }

    @Test
    @DisplayName("pv.5.5 32-bit from ring 1: {EC,EIP,CS|mask<<16,EFLAGS} at ESP, no alignment, no RCX/R11")
    void compatRing1FrameLayout() {
        PvFixture f = PvFixture.pv32();
        f.rsp = 0x6806;
        ScenarioRunner.Run r = f.run(read(0x9000));
        assertThat(outcome(r, 0)).isDeliveredPageFault(0, 0x9000).hasHandler(HANDLER32)
                .hasFrameSlots("error_code", "eip", "cs", "eflags", "base").hasFrameSlot("eip", RIP32)
                .hasFrameSlot("cs", 0xe019).hasFrameSlot("eflags", 0x202).hasFrameSlot("base", 0x6806);
        long sp = (STACK << 12) + 0x806 - 16;
        assertThat(((PvDomain) r.domains().get("guest")).memory().read(sp, 4)).isEqualTo(0);
        assertThat(((PvDomain) r.domains().get("guest")).memory().read(sp + 4, 4)).isEqualTo(RIP32);
        assertThat(((PvDomain) r.domains().get("guest")).memory().read(sp + 8, 4)).isEqualTo(0xe019);
        assertThat(((PvDomain) r.domains().get("guest")).memory().read(sp + 12, 4)).isEqualTo(0x202);
        assertThat(PvFixture.view(r).vcpus().get(0).rsp()).isEqualTo(0x6806 - 16);
    }

    @Test
    @DisplayName("pv.5.5 32-bit from ring 3: kernel_ss:kernel_sp, SS and ESP pushed above EFLAGS")
    void compatRing3FrameLayout() {
        PvFixture f = PvFixture.pv32();
        f.kernelMode = false;
        f.rsp = 0xbfff0000L;
        ScenarioRunner.Run r = f.run(read(0x9000));
        assertThat(outcome(r, 0)).isDeliveredPageFault(PfErrorCode.U, 0x9000)
                .hasFrameSlots("error_code", "eip", "cs", "eflags", "esp", "ss", "base")
                .hasFrameSlot("cs", 0xe02b).hasFrameSlot("esp", 0xbfff0000L).hasFrameSlot("ss", 0xe033)
                .hasFrameSlot("base", 0x7000);
        PvDomainView.Vcpu v = PvFixture.view(r).vcpus().get(0);
        assertThat(v.ss()).isEqualTo(0xe021);
        assertThat(v.rsp()).isEqualTo(0x7000 - 24);
        assertThat(v.kernelMode()).isTrue();
    }

    @Test
    @DisplayName("pv.5.3 events pending and unmasked: the upcall frame goes on top of the #PF frame and runs first")
    void pendingEventIsDeliveredOnTopOfThePageFault() {
        PvFixture f = PvFixture.pv64().param("event_callback", 0xffffffff81000800L);
        Knobs events = new Knobs(false, null, false, true);
        ScenarioRunner.Run r = f.run(step(GuestAccess.read(0x9000), events));
        assertThat(outcome(r, 0)).isDeliveredPageFault(0, 0x9000).hasFrameSlot("upcall_handler", 0xffffffff81000800L)
                .hasFrameSlot("upcall_base", 0x6800 - 64).hasFrameSlot("upcall_rip", HANDLER);
        PvDomainView.Vcpu v = PvFixture.view(r).vcpus().get(0);
        assertThat(v.rip()).isEqualTo(0xffffffff81000800L);
        assertThat(v.upcallMask()).isEqualTo(1);
        // With "disable events" in the #PF trap flags, the handler runs first and the upcall waits.
        PvFixture g = PvFixture.pv64().param("event_callback", 0xffffffff81000800L).trap(14, 0xe033, HANDLER, 4);
        ScenarioRunner.Run r2 = g.run(step(GuestAccess.read(0x9000), events));
        assertThat(((xpf.model.scenario.Outcome.Delivered) outcome(r2, 0)).frame()).doesNotContainKey("upcall_base");
        assertThat(PvFixture.view(r2).vcpus().get(0).rip()).isEqualTo(HANDLER);
    }

    @Test
    @DisplayName("pv.5.3 an upcall pending with no event callback registered crashes the domain (null bounce)")
    void pendingEventWithoutCallbackCrashes() {
        ScenarioRunner.Run r = PvFixture.pv64().run(step(GuestAccess.read(0x9000), new Knobs(false, null, false,
                true)));
        assertThat(outcome(r, 0)).isDomainCrash("no_event_callback");
    }

    @Test
    @DisplayName("pv.9 XSA-339: create_bounce_frame clears the trap bounce, so an exception is injected once")
    void trapBounceIsClearedAfterDelivery() {
        ScenarioRunner.Run r = PvFixture.pv64().run(read(0x9000), read(0x1000));
        assertThat(PvFixture.view(r).vcpus().get(0).trapBounce()).isEqualTo(TrapBounce.NONE);
        assertThat(outcome(r, 1)).isCompleted();
        assertThat(r.trace().render().split("create_bounce_frame from", -1)).hasSize(2);
    }
}
