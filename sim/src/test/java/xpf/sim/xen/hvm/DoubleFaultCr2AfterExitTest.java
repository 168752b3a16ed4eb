package xpf.sim.xen.hvm;

import static xpf.sim.xen.hvm.HvmFixture.*;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.DisplayName;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.OutcomeClass;
import xpf.sim.scenario.ScenarioRunner;

/**
 * Under HAP the processor delivers the guest's #PF itself; when pushing its frame faults (#PF again, CR2 written
 * first: SDM Vol. 3 §6.15 "Interrupt 14") the two combine into #DF (SDM Table 6-5). If the #DF's own push then takes a
 * nested-paging exit (its IST stack is a log-dirty page), Xen fixes that and re-queues the #DF from the IDT-vectoring
 * information ({@code vmx_idtv_reinject} / SVM EXITINTINFO, xen-hvm-fault-path.md §2.3): the #DF delivered at last
 * still belongs to a chain that wrote CR2 (x86-paging.md §1.1d). Same as the conformance regression
 * hap/regression-hap-double-fault-cr2-after-idt-vectoring-vmx.yaml, with sim's own fixture.
 */
class DoubleFaultCr2AfterExitTest {

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.5.2.9 + hvm.2.3 #PF, push faults ⇒ #DF; the #DF's IST push exits (log-dirty), is fixed and the "
            + "#DF re-queued: the double fault reports the CR2 of its chain's #PF (the frame push's address)")
    void doubleFaultKeepsCr2AcrossExit(DomainKind k) {
        ScenarioRunner.Run r = of(k).hap().noStackMapping().dfIst().p2m(0x1040, "ram_logdirty")
                .run(step(read(0x500000)));
        Expect.step(r, 0, OutcomeClass.DOUBLE_FAULT, "vector", "8", "cr2", "0x20ff8");
    }
}
