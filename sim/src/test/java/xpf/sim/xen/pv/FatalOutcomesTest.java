package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static xpf.sim.xen.pv.PvFixture.DATA;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.STACK;
import static xpf.sim.xen.pv.PvFixture.UP;
import static xpf.sim.xen.pv.PvFixture.e;
import static xpf.sim.xen.pv.PvFixture.hypercall;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.pteAddr;
import static xpf.sim.xen.pv.PvFixture.read;
import static xpf.sim.xen.pv.PvFixture.step;
import static xpf.sim.xen.pv.PvFixture.write;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.HypercallOp;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.PfErrorCode;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.trace.Trace;

/** Domain crash versus hypervisor panic (xen-pv-fault-path.md §5.6, §5.7, §6). */
class FatalOutcomesTest {

    static PvDomain guest(ScenarioRunner.Run r) {
        return (PvDomain) r.domains().get("guest");
    }

    @Test
    @DisplayName("pv.6 no #PF handler registered: the frame is written, then the domain is crashed at delivery")
    void noHandlerCrashesTheDomainAtDelivery() {
        ScenarioRunner.Run r = PvFixture.pv64().noTraps().run(read(0x9000), read(0x1000));
        assertThat(outcome(r, 0)).isDomainCrash("no_pf_handler");
        assertThat(PvFixture.word(r, (STACK << 12) + 0x800 - 40)).isEqualTo(PvFixture.RIP);
        // A crashed domain stays dead: every later step reports the crash.
        assertThat(outcome(r, 1)).isDomainCrash("no_pf_handler");
        assertThat(PvFixture.view(r).alive()).isFalse();
    }

    @Test
    @DisplayName("pv.6 32-bit: a null handler selector crashes the domain")
    void compatNullSelectorCrashes() {
        assertThat(PvFixture.pv32().noTraps().last(read(0x9000))).isDomainCrash("no_pf_handler");
    }

    @Test
    @DisplayName("pv.6 a bounce stack in Xen's range crashes the domain (create_bounce_frame_bad_sp)")
    void stackInXenRangeCrashes() {
        PvFixture f = PvFixture.pv64().user();
        f.kernelSp = 0xffff800000100000L;
        assertThat(f.last(read(0x9000))).isDomainCrash("bad_stack");
    }

    @Test
    @DisplayName("pv.5.7 a fault writing the frame crashes the domain; a PV guest never gets #DF")
    void bounceStoreFaultCrashesNeverDoubleFault() {
        PvFixture unmapped = PvFixture.pv64().user();
        unmapped.kernelSp = 0x9000;
        ScenarioRunner.Run r = unmapped.run(read(0x9000));
        assertThat(outcome(r, 0)).isDomainCrash("bounce_frame_fault");
        assertThat(outcome(r, 0).outcomeClass()).isNotEqualTo(OutcomeClass.DOUBLE_FAULT);
        assertThat(r.trace().render()).contains("extable_fixup result=fixed site=create_bounce_frame");
        // Even a read-only page-table page: ptwr does not apply to Xen's own writes.
        PvFixture ro = PvFixture.pv64();
        ro.rsp = 0x3800;
        assertThat(ro.last(read(0x9000))).isDomainCrash("bounce_frame_fault");
    }

    @Test
    @DisplayName("pv.6 a #PF with RSVD panics Xen in 4.22 (page-table corruption); 3.1 forwarded it")
    void reservedBitFaultPanicsOn422() {
        HostWrite corrupt = new HostWrite(pteAddr(L1, 1), 8, e(DATA, UP) | (1L << 45));
        ScenarioRunner.Run r = PvFixture.pv64().run(step(corrupt), read(0x1000), read(0x9000));
        assertThat(outcome(r, 1)).isPanic("rsvd_page_fault");
        assertThat(outcome(r, 2)).isPanic("rsvd_page_fault");
        assertThat(PvFixture.pv64().profile(XenProfile.XEN_3_1).run(step(corrupt), read(0x1000)).steps().get(1)
                .outcome()).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.RSVD, 0x1000);
    }

    @Test
    @DisplayName("pv.6 a Xen-context #PF with no exception-table entry is a FATAL PAGE FAULT panic")
    void xenFaultWithoutExtablePanics() {
        ScenarioRunner.Run r = PvFixture.pv64().run();
        PvDomain d = guest(r);
        d.useTrace(new Trace());
        assertThatThrownBy(() -> d.access().write(vcpu(d), 0x9000, 8, 0, XenSite.UNPROTECTED))
                .isInstanceOf(PvFatal.Panic.class).hasMessageContaining("fatal_page_fault");
        // With an extable entry the same fault is a recoverable failure.
        assertThat(d.access().write(vcpu(d), 0x9000, 8, 0, XenSite.COPY_FROM_GUEST).ok()).isFalse();
    }

    @Test
    @DisplayName("pv.6 a #PF with the shadow-stack bit panics in any context (4.22)")
    void shadowStackFaultPanics() {
        PvDomain d = guest(PvFixture.pv64().run());
        d.useTrace(new Trace());
        int ec = PfErrorCode.SS | PfErrorCode.P | PfErrorCode.W;
        assertThatThrownBy(() -> d.traps().handlePF(vcpu(d), PfRegs.guest(0xe033, 0, 0x202, ec), 0x6000))
                .isInstanceOf(PvFatal.Panic.class).hasMessageContaining("shstk_page_fault");
    }

    @Test
    @DisplayName("pv.6 a SMAP violation detected in Xen context panics (fatal_trap)")
    void smapViolationInXenPanics() {
        PvDomain d = guest(PvFixture.pv64().run());
        d.useTrace(new Trace());
        // A supervisor write to a user page (every 64-bit PV leaf is), from code that did not STAC.
        PfRegs regs = PfRegs.xen(PfErrorCode.P | PfErrorCode.W, XenSite.UNPROTECTED, false);
        assertThatThrownBy(() -> d.traps().handlePF(vcpu(d), regs, 0x1000)).isInstanceOf(PvFatal.Panic.class)
                .hasMessageContaining("smep_smap_in_xen");
    }

    @Test
    @DisplayName("pv.6 3.1 only: a fault in another vCPU's GDT/LDT area hits BUG_ON (panic); 4.22 forwards it")
    void foreignGdtLdtAreaIsABugIn31() {
        long otherVcpuArea = PvLayout.GDT_LDT_VIRT_START + (1L << PvLayout.GDT_LDT_VCPU_VA_SHIFT) + 0x10000;
        assertThat(PvFixture.pv64().profile(XenProfile.XEN_3_1).last(PvFixture.implicitRead(otherVcpuArea)))
                .isPanic("gdt_ldt_bug_on");
        assertThat(PvFixture.pv64().last(PvFixture.implicitRead(otherVcpuArea)))
                .isDeliveredPageFault(0, otherVcpuArea);
    }

    @Test
    @DisplayName("pv.6 iret with an unreadable frame, or to user mode without user page tables: domain crash")
    void iretCrashes() {
        PvFixture f = PvFixture.pv64();
        f.rsp = 0x9000;
        assertThat(f.last(hypercall(new HypercallOp.Iret()))).isDomainCrash("iret_frame_unreadable");
        PvFixture g = PvFixture.pv64();
        g.rsp = 0x6800;
        long[] ctx = {0, 0, 0, 0, 0x400000, 0xe033, 0x202, 0x7ff000, 0xe02b};
        java.util.List<xpf.model.scenario.Step> steps = new java.util.ArrayList<>();
        for (int i = 0; i < ctx.length; i++) {
            steps.add(write(0x6800 + 8L * i, ctx[i]));
        }
        steps.add(hypercall(new HypercallOp.Iret()));
        ScenarioRunner.Run r = g.run(steps.toArray(new xpf.model.scenario.Step[0]));
        assertThat(outcome(r, ctx.length)).isDomainCrash("iret_no_user_pt");
    }

    @Test
    @DisplayName("pv.6 after a panic every domain's later steps report it")
    void panicIsFinal() {
        HostWrite corrupt = new HostWrite(pteAddr(L1, 1), 8, e(DATA, UP) | (1L << 45));
        ScenarioRunner.Run r = PvFixture.pv64().run(step(corrupt), read(0x1000), PvFixture.mmuUpdate(0, 0));
        assertThat(outcome(r, 2)).isPanic("rsvd_page_fault");
    }

    static PvVcpu vcpu(PvDomain d) {
        return d.vcpu(0);
    }
}
