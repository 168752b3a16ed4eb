package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Insn;
import xpf.model.scenario.OutcomeClass;
import xpf.model.x86.AccessKind;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.xen.hvm.svm.Svm;
import xpf.sim.xen.hvm.vmx.Vmx;
import xpf.sim.xen.hvm.vmx.VmxExitReason;

/**
 * What the processor leaves in guest memory and in the views: the 64-bit exception frame it pushes on the handler's
 * stack (SDM Vol. 3A §6.14.2, Figure 6-9: error code, RIP, CS, RFLAGS, RSP, SS from the new RSP upwards), the #GP
 * the processor delivers itself for a non-canonical address, the intercept flags of the VMCB / VMCS views, and the
 * VMX exit-reason names.
 */
class DeliveryFrameTest {

    static GuestAccess kernelRead(long va) {
        return new GuestAccess(va, AccessKind.READ, 8, null, 0, false, false, Insn.LOAD, null);
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("SDM §6.14.2: the injected #PF's frame is in guest memory at RSP0 - 48: error code W|U, RIP, CS 0x33, "
            + "RFLAGS 0x202, RSP 0x7ffff000, SS 0x2b")
    void framePushedIntoGuestMemory(DomainKind k) {
        long base = RSP0 - 48;
        ScenarioRunner.Run r = of(k).run(step(write(0x500000, 1)), step(kernelRead(base)), step(kernelRead(base + 8)),
                step(kernelRead(base + 16)), step(kernelRead(base + 24)), step(kernelRead(base + 32)),
                step(kernelRead(base + 40)));
        Expect.step(r, 0, OutcomeClass.INJECTED, "delivery.frame.base", "0x20fd0");
        String[] expected = {"6", "0x401000", "0x33", "0x202", "0x7ffff000", "0x2b"};
        for (int i = 0; i < expected.length; i++) {
            Expect.step(r, i + 1, OutcomeClass.OK, "value", expected[i]);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("x86: a non-canonical address is #GP(0), delivered by the processor (not intercepted), shown as such; under shadow the delivery's own first touches of the IDT and stack "
            + "still exit to Xen")
    void nonCanonicalIsGp(DomainKind k) {
        for (HvmFixture f : new HvmFixture[] {of(k), of(k).hap()}) {
            ScenarioRunner.Run r = f.run(step(read(0x0000_8000_0000_0000L)));
            Expect.step(r, 0, OutcomeClass.DELIVERED, "vector", "13", "error_code", "0", "handler",
                    "0xffffffff81000d00");
            assertThat(r.trace().render()).contains("HARDWARE #GP va=0x800000000000 ec=0 intercepted=false");
        }
    }

    @Test
    @DisplayName("HAP: the processor's own #PF is shown with its symbolic error code, not intercepted")
    void hapPageFaultRecord() {
        ScenarioRunner.Run r = svm().hap().run(step(write(0x500000, 1)));
        assertThat(r.trace().render()).contains("HARDWARE #PF va=0x500000 ec=W|U intercepted=false");
    }

    @Test
    @DisplayName("hvm.1.1/2.1 view flags: shadow intercepts CR3 and INVLPG without nested paging; HAP the opposite")
    void interceptFlagsInViews() {
        var shadow = ((Svm) ((HvmDomain) svm().run().domains().get("guest")).vcpu(0).arch()).fields();
        assertThat(shadow).containsEntry("cr3_intercepts", 1L).containsEntry("invlpg_intercept", 1L)
                .containsEntry("np_enable", 0L);
        var hap = ((Svm) ((HvmDomain) svm().hap().run().domains().get("guest")).vcpu(0).arch()).fields();
        assertThat(hap).containsEntry("cr3_intercepts", 0L).containsEntry("invlpg_intercept", 0L)
                .containsEntry("np_enable", 1L);
        assertThat(((Vmx) ((HvmDomain) vmx().hap().run().domains().get("guest")).vcpu(0).arch()).fields())
                .containsEntry("ept_enable", 1L);
        assertThat(((Vmx) ((HvmDomain) vmx().run().domains().get("guest")).vcpu(0).arch()).fields())
                .containsEntry("ept_enable", 0L);
    }

    @Test
    @DisplayName("hvm.2.2 exit-reason names from the basic reason (low 16 bits)")
    void vmxExitReasonNames() {
        assertThat(VmxExitReason.name(0)).isEqualTo("EXIT_REASON_EXCEPTION_NMI");
        assertThat(VmxExitReason.name(2)).isEqualTo("EXIT_REASON_TRIPLE_FAULT");
        assertThat(VmxExitReason.name(48)).isEqualTo("EXIT_REASON_EPT_VIOLATION");
        assertThat(VmxExitReason.name(49)).isEqualTo("EXIT_REASON_EPT_MISCONFIG");
        assertThat(VmxExitReason.name(VmxExitReason.FAILED_VMENTRY | 33)).isEqualTo("EXIT_REASON_33");
        assertThat(VmxExitReason.name(0x10007)).isEqualTo("EXIT_REASON_7");
    }
}
