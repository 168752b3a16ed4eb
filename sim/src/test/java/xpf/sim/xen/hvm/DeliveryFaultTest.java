package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.XenProfile;
import xpf.sim.scenario.ScenarioRunner;

/**
 * Faults while an event is being delivered (§1.3 step 6, §1.4, §2.3 step 5, §2.4, §4): re-queue of the interrupted
 * event, #DF combination with CR2 written first, triple fault with the configured shutdown reason, hardware
 * combination of exceptions Xen does not intercept (VMEXIT_SHUTDOWN / exit reason 2), and the 3.1 behaviour.
 */
class DeliveryFaultTest {

    static ScenarioRunner.Run pfOnUnmapped(HvmFixture f) {
        return f.run(step(write(0x500000, 1)));
    }

    static String eventField(DomainKind k) {
        return k == DomainKind.HVM_SVM ? "event.eventinj" : "event.entry_intr_info";
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.4 #PF while pushing the #PF frame ⇒ #DF(0), CR2 = the stack fault, #DF delivered on IST1")
    void pageFaultDuringDeliveryIsDoubleFault(DomainKind k) {
        ScenarioRunner.Run r = pfOnUnmapped(of(k).noStackMapping().dfIst());
        Expect.step(r, 0, OutcomeClass.DOUBLE_FAULT, "vector", "8", "error_code", "0", "cr2", "0x20ff8",
                eventField(k), "0x80000b08", "delivery.vector", "8", "delivery.handler", "0xffffffff81000800",
                "delivery.frame.error_code", "0", "delivery.frame.base", "0x30fd0");
        if (k == DomainKind.HVM_VMX) {
            Expect.step(r, 0, OutcomeClass.DOUBLE_FAULT, "event.entry_error_code", "0");
        }
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.1.4 bug cr2-after-combine: CR2 keeps the first #PF's address when it becomes #DF")
    void cr2AfterCombineBug(DomainKind k) {
        ScenarioRunner.Run r = pfOnUnmapped(of(k).noStackMapping().dfIst().bug("cr2-after-combine"));
        Expect.step(r, 0, OutcomeClass.DOUBLE_FAULT, "cr2", "0x500000");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.4 #PF while delivering #DF ⇒ hvm_triple_fault ⇒ domain_shutdown(reboot) by default")
    void tripleFaultReboot(DomainKind k) {
        ScenarioRunner.Run r = pfOnUnmapped(of(k).noIdtMapping());
        Expect.step(r, 0, OutcomeClass.TRIPLE_FAULT, "shutdown", "reboot", "cause", "fault while delivering #DF");
        assertThat(r.trace().render()).contains("hvm_combine_hw_exceptions vec1=8 vec2=14 result=8")
                .contains("Triple fault - invoking HVM shutdown action 1");
        assertThat(((HvmDomain) r.domains().get("guest")).alive()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.4 HVM_PARAM_TRIPLE_FAULT_REASON: 3 ⇒ crash, 0 ⇒ poweroff; a dead domain answers with its end")
    void tripleFaultReasons(DomainKind k) {
        Expect.step(pfOnUnmapped(of(k).noIdtMapping().param("triple_fault_reason", 3)), 0,
                OutcomeClass.TRIPLE_FAULT, "shutdown", "crash");
        ScenarioRunner.Run r = of(k).noIdtMapping().param("triple_fault_reason", 0).run(step(write(0x500000, 1)),
                step(read(DATA_VA)));
        Expect.step(r, 0, OutcomeClass.TRIPLE_FAULT, "shutdown", "poweroff");
        Expect.step(r, 1, OutcomeClass.TRIPLE_FAULT, "shutdown", "poweroff");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.4 gates not present: #NP is not intercepted, the CPU combines to triple fault ⇒ shutdown exit")
    void hardwareTripleFaultExit(DomainKind k) {
        ScenarioRunner.Run r = pfOnUnmapped(of(k).absentGates(8, 14));
        Expect.step(r, 0, OutcomeClass.TRIPLE_FAULT, "shutdown", "reboot", "cause", "shutdown_exit");
        assertThat(r.trace().render()).contains(k == DomainKind.HVM_SVM ? "exitcode=0x7f name=VMEXIT_SHUTDOWN"
                : "exit_reason=0x2 name=EXIT_REASON_TRIPLE_FAULT");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.4.triple-exit xen-3.1: a triple-fault exit reboots the domain (hvm_triple_fault of 3.1.0-branched)")
    void xen31ShutdownExitReboots(DomainKind k) {
        // Regression: the model crashed the domain (3.0.4's exit_and_crash); 3.1 already had hvm_triple_fault with
        // domain_shutdown(d, SHUTDOWN_reboot) (5c9548534e, Jan 2007), and no HVM_PARAM_TRIPLE_FAULT_REASON yet.
        ScenarioRunner.Run r = pfOnUnmapped(of(k).xen(XenProfile.XEN_3_1).absentGates(8, 14)
                .param("triple_fault_reason", 3));
        Expect.step(r, 0, OutcomeClass.TRIPLE_FAULT, "shutdown", "reboot", "cause", "shutdown_exit");
        assertThat(r.trace().render()).contains("invoking HVM system reset");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.7.1 xen-3.1: no combination; the #PF raised while delivering a #PF replaces it (no #DF)")
    void xen31NoCombination(DomainKind k) {
        ScenarioRunner.Run r = pfOnUnmapped(of(k).xen(XenProfile.XEN_3_1).noStackMapping().dfIst());
        Expect.step(r, 0, OutcomeClass.INJECTED, "vector", "14", "error_code", "W", "cr2", "0x20ff8");
        assertThat(r.trace().render()).contains("livelock");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.1.3 an interrupted external interrupt is re-queued and delivered after the fault is fixed")
    void externalInterruptRequeued(DomainKind k) {
        for (XenProfile p : XenProfile.values()) {
            ScenarioRunner.Run r = of(k).xen(p).gate(0x30).map(DATA_VA, "data", USER_RW)
                    .run(step(read(DATA_VA), pendingEvent(0x30, "ext_intr", null)));
            Expect.step(r, 0, OutcomeClass.DELIVERED, "vector", "48", "handler", "0xffffffff81003000");
        }
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.1.3/1.5/2.5 an interrupted #GP is re-queued (4.22, and 3.1 VMX when Xen injects nothing); 3.1 SVM "
            + "re-queues external interrupts only; no-idt-vectoring-requeue drops it")
    void exceptionRequeue(DomainKind k) {
        HvmFixture modern = of(k).map(DATA_VA, "data", USER_RW);
        Expect.step(modern.run(step(read(DATA_VA), pendingEvent(13, "hw_exc", 0))), 0, OutcomeClass.DELIVERED,
                "vector", "13", "error_code", "0");
        HvmFixture old = of(k).xen(XenProfile.XEN_3_1).map(DATA_VA, "data", USER_RW);
        if (k == DomainKind.HVM_SVM) {
            Expect.step(old.run(step(read(DATA_VA), pendingEvent(13, "hw_exc", 0))), 0, OutcomeClass.FIXED,
                    "fixup", "shadow_fixup");
        } else {
            Expect.step(old.run(step(read(DATA_VA), pendingEvent(13, "hw_exc", 0))), 0, OutcomeClass.DELIVERED,
                    "vector", "13");
        }
        HvmFixture bug = of(k).map(DATA_VA, "data", USER_RW).bug("no-idt-vectoring-requeue");
        Expect.step(bug.run(step(read(DATA_VA), pendingEvent(13, "hw_exc", 0))), 0, OutcomeClass.FIXED,
                "fixup", "shadow_fixup");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.1.3 INT3 (#BP, type 3) is not re-injected: the instruction re-executes")
    void breakpointNotRequeued(DomainKind k) {
        ScenarioRunner.Run r = of(k).map(DATA_VA, "data", USER_RW).run(step(read(DATA_VA), pendingEvent(3, "hw_exc",
                null)));
        Expect.step(r, 0, OutcomeClass.FIXED, "fixup", "shadow_fixup");
        assertThat(r.trace().render()).contains("result=not");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.7.1 pending #PF + new #PF ⇒ #DF(0) in 4.22; #PF in 3.1, with no-df-combine and no re-queue")
    void pendingPageFaultCombines(DomainKind k) {
        Expect.step(of(k).dfIst().run(step(write(0x500000, 1), pendingEvent(14, "hw_exc", 2))), 0,
                OutcomeClass.DOUBLE_FAULT, "cr2", "0x500000", "delivery.vector", "8");
        Expect.step(of(k).xen(XenProfile.XEN_3_1).run(step(write(0x500000, 1), pendingEvent(14, "hw_exc", 2))), 0,
                OutcomeClass.INJECTED, "vector", "14", "error_code", "W|U", "delivery.vector", "14");
        Expect.step(of(k).bug("no-df-combine").run(step(write(0x500000, 1), pendingEvent(14, "hw_exc", 2))), 0,
                OutcomeClass.INJECTED, "vector", "14", "delivery.vector", "14");
        Expect.step(of(k).bug("no-idt-vectoring-requeue").run(step(write(0x500000, 1),
                pendingEvent(14, "hw_exc", 2))), 0, OutcomeClass.INJECTED, "vector", "14");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.1.4 step 8: interrupt assist never injects over a pending event")
    void intrAssistDoesNotOverwrite(DomainKind k) {
        ScenarioRunner.Run r = pfOnUnmapped(of(k));
        assertThat(r.trace().render()).contains("intr_assist result=event pending: no interrupt injected over it");
    }
}
