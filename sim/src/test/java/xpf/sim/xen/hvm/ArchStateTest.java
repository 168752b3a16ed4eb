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
import xpf.model.scenario.Outcome;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.AccessKind;
import xpf.model.x86.Vectors;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.xen.hvm.svm.IntInfo;
import xpf.sim.xen.hvm.svm.Svm;
import xpf.sim.xen.hvm.svm.SvmExitCode;
import xpf.sim.xen.hvm.vmx.IntrInfo;
import xpf.sim.xen.hvm.vmx.Vmx;

/**
 * The architecture half's state as the views and the processor see it (xen-hvm-fault-path.md §1.1, §1.2, §2.1, §2.2):
 * the decoding of events without an error code or not valid, the exception intercepts beyond #PF, the exit-code names
 * the trace prints, the per-vCPU Xen state of the 3.1 resume path, and the VMCS/VMCB field views.
 */
class ArchStateTest {

    static HvmDomain dom(ScenarioRunner.Run r) {
        return (HvmDomain) r.domains().get("guest");
    }

    @Test
    @DisplayName("hvm.1.2 EXITINTINFO/EVENTINJ decode: an external interrupt has no EV and no error code; V clear is "
            + "not valid (no event)")
    void intInfoDecode() {
        assertThat(IntInfo.decode(0x8000_0030L)).isEqualTo(new IntInfo(0x30, 0, false, true, 0));
        assertThat(IntInfo.decode(0x8000_0202L)).isEqualTo(new IntInfo(2, 2, false, true, 0));
        IntInfo notValid = IntInfo.decode(0x0000_0006_0000_0B0EL);
        assertThat(notValid.valid()).isFalse();
        assertThat(notValid.event(0x500000L)).isNull();
        assertThat(IntInfo.decode(0x8000_0030L).event(null)).isEqualTo(new HvmEvent(0x30, EventType.EXT_INTR, null,
                null));
    }

    @Test
    @DisplayName("hvm.2.2 interruption-information decode: an interrupt without bit 11, type in 10:8, invalid without "
            + "bit 31")
    void intrInfoDecode() {
        assertThat(IntrInfo.decode(0x8000_0030L)).isEqualTo(new IntrInfo(0x30, 0, false, true));
        assertThat(IntrInfo.decode(0x8000_0603L)).isEqualTo(new IntrInfo(3, 6, false, true));
        assertThat(IntrInfo.decode(0x0000_0B0EL).valid()).isFalse();
        assertThat(IntrInfo.decode(0x0000_0B0EL).event(6, null)).isNull();
        assertThat(IntrInfo.decode(0x8000_0030L).event(0x1234, null)).isEqualTo(new HvmEvent(0x30,
                EventType.EXT_INTR, null, null));
    }

    @Test
    @DisplayName("hvm.1.2 exit-code names: exceptions 0x40-0x5f by vector, #PF by name, others in hex")
    void svmExitCodeNames() {
        assertThat(SvmExitCode.name(0x40)).isEqualTo("VMEXIT_EXCEPTION_0");
        assertThat(SvmExitCode.name(0x48)).isEqualTo("VMEXIT_EXCEPTION_8");
        assertThat(SvmExitCode.name(0x5f)).isEqualTo("VMEXIT_EXCEPTION_31");
        assertThat(SvmExitCode.name(0x4e)).isEqualTo("VMEXIT_EXCEPTION_PF");
        assertThat(SvmExitCode.name(0x60)).isEqualTo("VMEXIT_60");
        assertThat(SvmExitCode.name(0x3f)).isEqualTo("VMEXIT_3f");
        assertThat(SvmExitCode.name(0x7f)).isEqualTo("VMEXIT_SHUTDOWN");
        assertThat(SvmExitCode.name(0x400)).isEqualTo("VMEXIT_NPF");
    }

    @Test
    @DisplayName("hvm.1.1/2.1 HVM_TRAP_MASK beyond #PF: #DB, #AC, #MC exit on SVM and VMX (4.22); #GP and #NP do not")
    void interceptsBeyondPageFault() {
        Svm s = (Svm) dom(svm().run()).vcpu(0).arch();
        Vmx x = (Vmx) dom(vmx().run()).vcpu(0).arch();
        for (int v : new int[] {Vectors.DB, Vectors.AC, Vectors.MC}) {
            assertThat(s.intercepts(v, 0)).as("SVM vector %d", v).isTrue();
            assertThat(x.intercepts(v, 0)).as("VMX vector %d", v).isTrue();
        }
        for (int v : new int[] {Vectors.GP, Vectors.NP, Vectors.DF}) {
            assertThat(s.intercepts(v, 0)).as("SVM vector %d", v).isFalse();
            assertThat(x.intercepts(v, 0)).as("VMX vector %d", v).isFalse();
        }
        assertThat(s.svm()).isTrue();
        assertThat(x.svm()).isFalse();
    }

    @Test
    @DisplayName("view: the VMCS fields by name after an injected #PF was delivered (entry info consumed, %cr2 loaded)")
    void vmxFieldsView() {
        ScenarioRunner.Run r = vmx().run(step(write(0x500000, 1)));
        HvmView.Vcpu v = dom(r).view().vcpus().get(0);
        assertThat(v.arch()).containsEntry("entry_intr_info", 0L).containsEntry("hw_cr2", 0x500000L).containsEntry("entry_error_code", 6L)
                .containsEntry("exception_bitmap", (1L << 1) | (1L << 17) | (1L << 18) | (1L << 14));
        assertThat(v.guestCr2()).isEqualTo(0x500000L);
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.1.5/2.5 the 3.1 resume path's Xen state: nothing deferred after the interrupt-assist consumed it")
    void xen31XenState(DomainKind k) {
        ScenarioRunner.Run r = of(k).xen(XenProfile.XEN_3_1).gate(0x30).map(DATA_VA, "data", USER_RW)
                .run(step(read(DATA_VA), pendingEvent(0x30, "ext_intr", null)));
        var xs = dom(r).vcpu(0).arch().xenState();
        if (k == DomainKind.HVM_SVM) {
            assertThat(xs).containsExactly(java.util.Map.entry("deferred_exit_int_info", 0L));
        } else {
            assertThat(xs).containsEntry("deferred_idtv", 0L).containsEntry("vector_injected", 0L);
        }
        ScenarioRunner.Run inj = of(k).xen(XenProfile.XEN_3_1).run(step(write(0x500000, 1)));
        if (k == DomainKind.HVM_VMX) {
            // vector_injected is cleared by the VM entry that delivered the #PF
            assertThat(dom(inj).vcpu(0).arch().xenState()).containsEntry("vector_injected", 0L);
        }
    }

    @Test
    @DisplayName("hvm.2.5 xen-3.1 VMX: vector_injected is set by an injection and shown until the next VM entry")
    void vectorInjectedShown() {
        Vmx vmx = (Vmx) dom(vmx().xen(XenProfile.XEN_3_1).run()).vcpu(0).arch();
        assertThat(vmx.xenState()).containsEntry("vector_injected", 0L);
        vmx.injectEvent(HvmEvent.pageFault(6, 0x500000), new xpf.sim.trace.Trace());
        assertThat(vmx.xenState()).containsEntry("vector_injected", 1L);
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("SDM Table 6-5 (HAP): the guest's #PF finds gate 14 not present: #NP during #PF delivery ⇒ #DF; the "
            + "#PF started the chain, so CR2 (its address) is reported")
    void pageFaultChainStartsWithTheEvent(DomainKind k) {
        ScenarioRunner.Run r = of(k).hap().absentGates(14).run(step(write(0x500000, 1)));
        Expect.step(r, 0, OutcomeClass.DOUBLE_FAULT, "cr2", "0x500000", "delivery.vector", "8");
    }

    @Test
    @DisplayName("HAP, no exit: a write step without an instruction form is a MOV; CMPXCHG without a compare value "
            + "compares with 0")
    void hardwareDefaults() {
        ScenarioRunner.Run r = svm().hap().map(DATA_VA, "data", USER_RW).run(
                step(new GuestAccess(DATA_VA, AccessKind.WRITE, 8, 0x99L, null, false, false, null, null)),
                step(read(DATA_VA)),
                step(new GuestAccess(DATA_VA + 8, AccessKind.WRITE, 8, 0x77L, null, false, false, Insn.CMPXCHG, null)),
                step(read(DATA_VA + 8)));
        assertThat(r.steps().get(1).outcome()).isEqualTo(new Outcome.Completed(0x99L));
        assertThat(r.steps().get(3).outcome()).isEqualTo(new Outcome.Completed(0x77L));
    }
}
