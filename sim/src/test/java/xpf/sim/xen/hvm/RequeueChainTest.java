package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.Outcome;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.XenProfile;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.xen.hvm.svm.Svm;
import xpf.sim.xen.hvm.vmx.Vmx;

/**
 * The event an exit interrupted, end to end (xen-hvm-fault-path.md §1.3 step 6, §1.5, §2.3 step 5, §2.5, §4): what
 * the re-queue copies (the error code, NMI blocking), a re-queued event whose own delivery faults again (Xen's
 * combination and the processor's, SDM Table 6-5), the 3.1 resume path that drops an interrupted event when Xen
 * injected something, and the guest CR2 copies Xen keeps in sync across exits.
 */
class RequeueChainTest {

    static HvmDomain dom(ScenarioRunner.Run r) {
        return (HvmDomain) r.domains().get("guest");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.1.3/2.3 an interrupted #GP(0x18) is re-queued with its error code (EXITINTINFO 63:32 / "
            + "IDT-vectoring error code → VM-entry error code) and delivered with it")
    void requeuedErrorCodeIsKept(DomainKind k) {
        for (XenProfile p : new XenProfile[] {XenProfile.XEN_4_22}) {
            ScenarioRunner.Run r = of(k).xen(p).map(DATA_VA, "data", USER_RW)
                    .run(step(read(DATA_VA), pendingEvent(13, "hw_exc", 0x18)));
            Expect.step(r, 0, OutcomeClass.DELIVERED, "vector", "13", "error_code", "0x18",
                    "frame.error_code", "0x18", "handler", "0xffffffff81000d00");
        }
        if (k == DomainKind.HVM_VMX) {
            // 3.1 vmx_intr_assist copies the IDT-vectoring error code too when Xen injected nothing
            ScenarioRunner.Run old = vmx().xen(XenProfile.XEN_3_1).map(DATA_VA, "data", USER_RW)
                    .run(step(read(DATA_VA), pendingEvent(13, "hw_exc", 0x18)));
            Expect.step(old, 0, OutcomeClass.DELIVERED, "vector", "13", "error_code", "0x18");
        }
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.4 a re-queued #GP whose frame push faults (stack unmapped): Xen injects the #PF (contributory then "
            + "page fault = vec2); that #PF's push faults too: #PF on #PF ⇒ #DF(0) on IST1, CR2 = the stack address")
    void requeuedEventChainsToDoubleFault(DomainKind k) {
        // Three exits: the step's #PF (with the knob's #GP as the interrupted event), then two frame-push faults whose
        // interrupted events are the ones really being delivered (#GP, then #PF), not the knob's.
        ScenarioRunner.Run r = of(k).noStackMapping().dfIst().map(DATA_VA, "data", USER_RW)
                .run(step(read(DATA_VA), pendingEvent(13, "hw_exc", 0)));
        Expect.step(r, 0, OutcomeClass.DOUBLE_FAULT, "vector", "8", "error_code", "0", "cr2", "0x20ff8",
                "delivery.vector", "8", "delivery.frame.base", "0x30fd0");
        String trace = r.trace().render();
        assertThat(trace).contains("hvm_combine_hw_exceptions vec1=13 vec2=14 result=14")
                .contains("hvm_combine_hw_exceptions vec1=14 vec2=14 result=8");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("SDM Vol. 3A §6.15 (interrupt 8): an exception while delivering an external interrupt is handled "
            + "serially: re-queued interrupt 10 finds its gate not present ⇒ #NP(10·8|IDT|EXT = 0x53) delivered, not #DF")
    void faultDeliveringAnInterruptIsSerial(DomainKind k) {
        ScenarioRunner.Run r = of(k).absentGates(10).map(DATA_VA, "data", USER_RW)
                .run(step(read(DATA_VA), pendingEvent(10, "ext_intr", null)));
        Expect.step(r, 0, OutcomeClass.DELIVERED, "vector", "11", "error_code", "0x53", "handler",
                "0xffffffff81000b00");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("SDM Table 6-5: #GP while delivering a re-queued #TS (contributory on contributory) ⇒ #DF by the "
            + "processor, no exit; no CR2 (no #PF in the chain)")
    void processorCombinesContributory(DomainKind k) {
        ScenarioRunner.Run r = of(k).absentGates(10).map(DATA_VA, "data", USER_RW)
                .run(step(read(DATA_VA), pendingEvent(10, "hw_exc", 0)));
        Expect.step(r, 0, OutcomeClass.DOUBLE_FAULT, "delivery.vector", "8");
        Outcome o = r.steps().get(0).outcome();
        assertThat(((Outcome.DoubleFault) o).cr2()).as("no #PF in the chain: CR2 not reported").isNull();
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.1.5/2.5 xen-3.1: Xen's #PF injection wins; the interrupted external interrupt is dropped by the "
            + "intr-assist (never injected over a pending event)")
    void xen31InterruptDroppedWhenXenInjects(DomainKind k) {
        ScenarioRunner.Run r = of(k).xen(XenProfile.XEN_3_1).gate(0x30)
                .run(step(write(0x500000, 1), pendingEvent(0x30, "ext_intr", null)));
        Expect.step(r, 0, OutcomeClass.INJECTED, "vector", "14", "error_code", "W|U", "delivery.vector", "14");
        assertThat(r.trace().render()).contains("result=dropped");
    }

    @Test
    @DisplayName("hvm.2.3 step 5: re-injecting an interrupted NMI clears NMI blocking in the guest interruptibility "
            + "state")
    void vmxNmiReinjectionClearsBlocking() {
        HvmFixture f = vmx().gate(2).map(DATA_VA, "data", USER_RW);
        HvmDomain d = (HvmDomain) ScenarioRunner.run(f.scenario(java.util.List.of())).domains().get("guest");
        Vmx x = (Vmx) d.vcpu(0).arch();
        x.vmcs().guestInterruptibility = 8 | 1; // NMI blocking, STI blocking
        Outcome o = d.step(step(read(DATA_VA), pendingEvent(2, "nmi", null)), new xpf.sim.trace.Trace());
        Expect.outcome(o, OutcomeClass.DELIVERED, "vector", "2");
        assertThat(x.vmcs().guestInterruptibility).isEqualTo(1);
        // a re-injected exception leaves it alone
        HvmDomain d2 = (HvmDomain) ScenarioRunner.run(f.scenario(java.util.List.of())).domains().get("guest");
        Vmx x2 = (Vmx) d2.vcpu(0).arch();
        x2.vmcs().guestInterruptibility = 8;
        d2.step(step(read(DATA_VA), pendingEvent(13, "hw_exc", 0)), new xpf.sim.trace.Trace());
        assertThat(x2.vmcs().guestInterruptibility).isEqualTo(8);
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.1.2/2.2 the step's pending_event is the exit's EXITINTINFO / IDT-vectoring information "
            + "(#GP(0): 0x80000B0D), re-queued and delivered after the fix")
    void knobOnlyOnFirstExit(DomainKind k) {
        ScenarioRunner.Run r = of(k).map(DATA_VA, "data", USER_RW)
                .run(step(read(DATA_VA), pendingEvent(13, "hw_exc", 0)));
        Expect.step(r, 0, OutcomeClass.DELIVERED, "vector", "13");
        String field = k == DomainKind.HVM_SVM ? "exit_int_info" : "idt_vectoring_info";
        assertThat(r.trace().render()).contains(field + "=0x80000b0d");
    }

    @Test
    @DisplayName("hvm.7.18 SVM HAP: a #PF the processor delivers writes VMCB CR2; the next exit (NPF) copies it into "
            + "guest_cr[2] (3e6bca616b)")
    void svmGuestCr2SyncedOnExit() {
        ScenarioRunner.Run r = svm().hap().map(DATA_VA, "data", USER_RW).p2m(0x1010, "ram_logdirty")
                .run(step(write(0x500000, 1)), step(write(DATA_VA, 7)));
        Expect.step(r, 0, OutcomeClass.DELIVERED, "vector", "14", "cr2", "0x500000");
        Expect.step(r, 1, OutcomeClass.FIXED, "fixup", "hap_logdirty");
        HvmView.Vcpu v = dom(r).view().vcpus().get(0);
        assertThat(v.guestCr2()).isEqualTo(0x500000L);
        assertThat(((Svm) dom(r).vcpu(0).arch()).vmcb().cr2).isEqualTo(0x500000L);
    }

    @Test
    @DisplayName("hvm.2.3 step 1 VMX HAP: the processor's #PF wrote %cr2; Xen reads it into guest_cr2 at the next exit "
            + "and loads it back before entry, so a later step without any #PF still shows the guest's CR2")
    void vmxCr2WrittenInGuestSurvivesNextEntry() {
        ScenarioRunner.Run r = vmx().hap().map(DATA_VA, "data", USER_RW).run(step(write(0x500000, 1)),
                step(read(DATA_VA)));
        Expect.step(r, 0, OutcomeClass.DELIVERED, "vector", "14", "cr2", "0x500000");
        HvmView.Vcpu v = dom(r).view().vcpus().get(0);
        assertThat(v.guestCr2()).isEqualTo(0x500000L);
        assertThat(((Vmx) dom(r).vcpu(0).arch()).vmcs().hwCr2).isEqualTo(0x500000L);
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.3.F21 a fixed shadow fault: the guest retries and the instruction completes (the outcome says so)")
    void fixedThenRetried(DomainKind k) {
        ScenarioRunner.Run r = of(k).map(DATA_VA, "data", USER_RW).mem("data", 0, 0x4242).run(step(read(DATA_VA)));
        Outcome o = r.steps().get(0).outcome();
        assertThat(o).isEqualTo(new Outcome.Fixed("shadow_fixup", "guest retried and completed"));
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("no IDT described: Xen's injection is the outcome, delivery not simulated; under HAP the processor's "
            + "own #PF is reported with its CR2")
    void noIdt(DomainKind k) {
        HvmFixture f = of(k);
        f.idt = false;
        ScenarioRunner.Run r = f.run(step(write(0x500000, 1)));
        Outcome o = r.steps().get(0).outcome();
        assertThat(o).isInstanceOfSatisfying(Outcome.Injected.class, i -> {
            assertThat(i.vector()).isEqualTo(14);
            assertThat(i.errorCode()).isEqualTo(6);
            assertThat(i.cr2()).isEqualTo(0x500000L);
            assertThat(i.delivery()).isNull();
        });
        assertThat(r.trace().render()).contains("not_simulated (no IDT)");
        HvmFixture h = of(k).hap();
        h.idt = false;
        Outcome ho = h.run(step(write(0x500000, 1))).steps().get(0).outcome();
        assertThat(ho).isEqualTo(new Outcome.Delivered(14, 6, 0x500000L, 0, new java.util.LinkedHashMap<>()));
    }


    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.7.1 xen-3.1 without combination a #PF whose delivery faults again loops: the model stops after "
            + "MAX_EXITS (16) exits and says so")
    void livelockAfterMaxExits(DomainKind k) {
        ScenarioRunner.Run r = of(k).xen(XenProfile.XEN_3_1).noStackMapping().dfIst().run(step(write(0x500000, 1)));
        assertThat(r.trace().render()).contains("livelock: 16 exits without progress");
        assertThat(r.trace().eventsOfStep(0).stream().filter(e -> e.kind() == xpf.sim.trace.TraceEvent.Kind.VMEXIT)
                .count()).isEqualTo(HvmDomain.MAX_EXITS);
        assertThat(dom(r).vcpu(0).log().isLivelock()).as("the step's log records the livelock").isTrue();
        assertThat(dom(of(k).run(step(write(0x500000, 1)))).vcpu(0).log().isLivelock()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.3.4 xen-3.1 sh_page_fault asks hvm_event_injection_faulted (EXITINTINFO.V / IDT-vectoring valid) "
            + "before emulating a page-table write: with an interrupted event it unshadows, without one it emulates")
    void xen31InjectionFaultedBeforeEmulation(DomainKind k) {
        HvmFixture f = of(k).xen(XenProfile.XEN_3_1).cpl(0).gate(0x30).frame("data2", ShPageFaultTest.DATA2)
                .map(DATA_VA, "data", USER_RW).mapGfn(ShPageFaultTest.PT_VA, ShPageFaultTest.L1_OF_DATA, KERNEL_RW);
        ScenarioRunner.Run r = f.run(step(read(DATA_VA)), step(write(ShPageFaultTest.PT_VA + 0x10, 0),
                pendingEvent(0x30, "ext_intr", null)));
        Expect.step(r, 1, OutcomeClass.DELIVERED, "vector", "48");
        assertThat(r.trace().render()).contains("shadow_remove_all_shadows mfn=").contains("why=event_pending")
                .contains("fixup=unshadow_evtinj");
        ScenarioRunner.Run plain = f.run(step(read(DATA_VA)), step(write(ShPageFaultTest.PT_VA + 0x10, 0)));
        Expect.step(plain, 1, OutcomeClass.EMULATED, "fixup", "pt_write");
    }

    @Test
    @DisplayName("SDM Vol. 3C §26.2.1.3: bits 31:15 of the VM-entry exception error code must be 0 only when the "
            + "deliver-error-code bit is set: 0x7fff enters, 0x8000 fails (error 7, crash); a stale code under an "
            + "interrupt without bit 11 is ignored")
    void vmEntryErrorCodeCheck() {
        HvmFixture f = vmx().gate(0x30).map(DATA_VA, "data", USER_RW);
        HvmDomain ok = (HvmDomain) ScenarioRunner.run(f.scenario(java.util.List.of())).domains().get("guest");
        Vmx x = (Vmx) ok.vcpu(0).arch();
        x.vmcs().entryIntrInfo = 0x80000B0DL; // #GP with error code
        x.vmcs().entryErrorCode = 0x7FFF;
        Expect.outcome(ok.step(step(read(DATA_VA)), new xpf.sim.trace.Trace()), OutcomeClass.DELIVERED, "vector",
                "13", "error_code", "0x7fff");
        HvmDomain bad = (HvmDomain) ScenarioRunner.run(f.scenario(java.util.List.of())).domains().get("guest");
        Vmx y = (Vmx) bad.vcpu(0).arch();
        y.vmcs().entryIntrInfo = 0x80000B0DL;
        y.vmcs().entryErrorCode = 0x8000;
        Expect.outcome(bad.step(step(read(DATA_VA)), new xpf.sim.trace.Trace()), OutcomeClass.DOMAIN_CRASH,
                "reason", "vmentry_failure");
        assertThat(y.vmcs().vmInstructionError).isEqualTo(7);
        HvmDomain intr = (HvmDomain) ScenarioRunner.run(f.scenario(java.util.List.of())).domains().get("guest");
        Vmx z = (Vmx) intr.vcpu(0).arch();
        z.vmcs().entryIntrInfo = 0x80000030L; // external interrupt 0x30, no error code
        z.vmcs().entryErrorCode = 0x40000;
        Expect.outcome(intr.step(step(read(DATA_VA)), new xpf.sim.trace.Trace()), OutcomeClass.DELIVERED, "vector",
                "48");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.1.4/2.4 the processor takes the injected event at entry (EVENTINJ.V / entry-info valid cleared): "
            + "the next step is not delivered it again")
    void injectedEventTakenOnce(DomainKind k) {
        for (XenProfile p : XenProfile.values()) {
            ScenarioRunner.Run r = of(k).xen(p).map(DATA_VA, "data", USER_RW).run(step(write(0x500000, 1)),
                    step(read(DATA_VA)), step(read(DATA_VA)));
            Expect.step(r, 0, OutcomeClass.INJECTED, "vector", "14");
            Expect.step(r, 2, OutcomeClass.OK);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.1.5/2.5 xen-3.1: the deferred interrupted event is consumed by the intr-assist that re-queues it; "
            + "the next step does not see it again")
    void xen31DeferredEventConsumedOnce(DomainKind k) {
        ScenarioRunner.Run r = of(k).xen(XenProfile.XEN_3_1).gate(0x30).map(DATA_VA, "data", USER_RW)
                .run(step(read(DATA_VA), pendingEvent(0x30, "ext_intr", null)), step(read(DATA_VA)),
                        step(read(DATA_VA)));
        Expect.step(r, 0, OutcomeClass.DELIVERED, "vector", "48");
        Expect.step(r, 1, OutcomeClass.OK);
        Expect.step(r, 2, OutcomeClass.OK);
    }

    @Test
    @DisplayName("hvm.2.5 xen-3.1 VMX: vector_injected is cleared at VM entry, so an injection in an earlier step does "
            + "not make vmx_intr_assist drop a later step's interrupted #GP")
    void xen31VectorInjectedClearedAtEntry() {
        ScenarioRunner.Run r = vmx().xen(XenProfile.XEN_3_1).map(DATA_VA, "data", USER_RW)
                .run(step(write(0x500000, 1)), step(read(DATA_VA), pendingEvent(13, "hw_exc", 0x18)));
        Expect.step(r, 0, OutcomeClass.INJECTED, "vector", "14");
        Expect.step(r, 1, OutcomeClass.DELIVERED, "vector", "13", "error_code", "0x18");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.5.2.10 once the handler crashed the domain the resume loop stops: one exit, no further VM entry")
    void noEntryAfterCrash(DomainKind k) {
        ScenarioRunner.Run r = of(k).hap().mapGfn(0x800000, 0x3000, USER_RW).run(step(read(0x800000)));
        Expect.step(r, 0, OutcomeClass.DOMAIN_CRASH);
        assertThat(r.trace().eventsOfStep(0).stream().filter(e -> e.kind() == xpf.sim.trace.TraceEvent.Kind.VMEXIT)
                .count()).isEqualTo(1);
        assertThat(r.trace().eventsOfStep(0).stream().filter(e -> e.kind() == xpf.sim.trace.TraceEvent.Kind.RESUME)
                .count()).isEqualTo(1);
    }
}
