package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;

import java.util.EnumSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.ControlFlag;
import xpf.model.scenario.CpuFeature;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.AccessKind;
import xpf.sim.scenario.ScenarioRunner;

/**
 * The records of the HVM path that {@code xpf explain} prints for a step, as a contract: which Xen function handled
 * the exit and under which former name, the re-queue and interrupt-assist decisions, the processor's delivery and the
 * faults during it, the nested-fault handlers' results, and the VM-entry failure. One scenario per decision, SVM and
 * VMX (xen-hvm-fault-path.md §1.3-§1.5, §2.3-§2.5, §4, §5.1).
 */
class ExplainTraceTest {

    static String trace(ScenarioRunner.Run r) {
        return r.trace().render();
    }

    @Test
    @DisplayName("seed: a fixed #PF names svm_vmexit_handler / vmx_vmexit_handler and paging_fault's former names; the "
            + "retried access completes; no interrupt-assist note when nothing is pending")
    void fixedFault() {
        String s = trace(svm().map(DATA_VA, "data", USER_RW).run(step(read(DATA_VA))));
        assertThat(s).contains("CALL svm_vmexit_handler exitcode=0x4e name=VMEXIT_EXCEPTION_PF")
                .contains("formerly=svm_do_page_fault").contains("HARDWARE access va=0x400000 kind=read result=ok")
                .doesNotContain("no interrupt injected over it");
        String v = trace(vmx().map(DATA_VA, "data", USER_RW).run(step(write(DATA_VA, 1))));
        assertThat(v).contains("CALL vmx_vmexit_handler exit_reason=0x0 name=EXIT_REASON_EXCEPTION_NMI")
                .contains("formerly=vmx_do_page_fault").contains("HARDWARE access va=0x400000 kind=write result=ok")
                .contains("TRC_HVM_VMENTRY id=0x00081001").doesNotContain("TRC_HVM_PF_XEN")
                .doesNotContain("no interrupt injected over it");
    }

    @Test
    @DisplayName("seed: an injected #PF: hvm_inject_page_fault (ec, cr2), then the processor's IDT delivery of vector 14")
    void injectedFault() {
        for (HvmFixture f : new HvmFixture[] {svm(), vmx()}) {
            String s = trace(f.run(step(write(0x500000, 1))));
            assertThat(s).contains("CALL hvm_inject_page_fault ec=W|U cr2=0x500000")
                    .contains("CALL hvm_inject_event vector=14 type=hw_exc ec=W|U")
                    .contains("HARDWARE idt_delivery vector=14 ec=W|U handler=0xffffffff81000e00 rsp=0x20fd0 "
                            + "cr2=0x500000");
        }
    }

    @Test
    @DisplayName("hvm.1.3/2.3 re-queue records: requeued with the whole EXITINTINFO (error code in 63:32) / reinjected "
            + "into the entry fields; the bug switch's drop")
    void requeueRecords() {
        String s = trace(svm().map(DATA_VA, "data", USER_RW).run(step(read(DATA_VA),
                pendingEvent(13, "hw_exc", 0x18))));
        assertThat(s).contains("CALL hvm_event_needs_reinjection vector=13 type=3 result=requeued "
                + "eventinj=0x1880000b0d").contains("HARDWARE idt_delivery vector=13 ec=24 handler=0xffffffff81000d00");
        String v = trace(vmx().map(DATA_VA, "data", USER_RW).run(step(read(DATA_VA),
                pendingEvent(13, "hw_exc", 0x18))));
        assertThat(v).contains("CALL vmx_idtv_reinject idt_vectoring_info=0x80000b0d result=reinjected "
                + "entry_intr_info=0x80000b0d entry_error_code=0x18");
        String sb = trace(svm().map(DATA_VA, "data", USER_RW).bug("no-idt-vectoring-requeue").run(step(read(DATA_VA),
                pendingEvent(13, "hw_exc", 0))));
        assertThat(sb).contains("CALL svm_vmexit_handler.requeue exit_int_info=0x80000b0d result=dropped");
        String vb = trace(vmx().map(DATA_VA, "data", USER_RW).bug("no-idt-vectoring-requeue").run(step(read(DATA_VA),
                pendingEvent(13, "hw_exc", 0))));
        assertThat(vb).contains("CALL vmx_idtv_reinject idt_vectoring_info=0x80000b0d result=dropped");
    }

    @Test
    @DisplayName("hvm.1.5/2.5 xen-3.1 interrupt-assist records: the deferred interrupt re-queued, or dropped when Xen "
            + "injected; an interrupt is delivered with no error code")
    void xen31IntrAssistRecords() {
        for (DomainKind k : new DomainKind[] {DomainKind.HVM_SVM, DomainKind.HVM_VMX}) {
            String ok = trace(of(k).xen(XenProfile.XEN_3_1).gate(0x30).map(DATA_VA, "data", USER_RW)
                    .run(step(read(DATA_VA), pendingEvent(0x30, "ext_intr", null))));
            assertThat(ok).contains(k == DomainKind.HVM_SVM ? "CALL svm_intr_assist exitintinfo=0x80000030 "
                    + "result=requeued" : "CALL vmx_intr_assist idt_vectoring_info=0x80000030 result=reinjected")
                    .contains("HARDWARE idt_delivery vector=48 ec=- handler=0xffffffff81003000");
            String drop = trace(of(k).xen(XenProfile.XEN_3_1).gate(0x30)
                    .run(step(write(0x500000, 1), pendingEvent(0x30, "ext_intr", null))));
            assertThat(drop).contains(k == DomainKind.HVM_SVM ? "CALL svm_intr_assist exitintinfo=0x80000030 "
                    + "result=dropped" : "CALL vmx_intr_assist idt_vectoring_info=0x80000030 "
                    + "result=dropped (vector_injected)");
        }
    }

    @Test
    @DisplayName("hvm.4 delivery records: an intercepted fault during delivery exits (stage), the processor's own "
            + "fault during delivery (#NP with its error code), and a triple fault during #DF")
    void deliveryRecords() {
        String s = trace(svm().noStackMapping().dfIst().run(step(write(0x500000, 1))));
        assertThat(s).contains("HARDWARE fault_during_delivery vector=14 stage=stack exit=true");
        String np = trace(vmx().absentGates(10).map(DATA_VA, "data", USER_RW).run(step(read(DATA_VA),
                pendingEvent(10, "ext_intr", null))));
        assertThat(np).contains("HARDWARE fault_during_delivery vector=10 stage=gate fault=#NP ec=83");
        String tf = trace(svm().absentGates(8, 14).run(step(write(0x500000, 1))));
        assertThat(tf).contains("HARDWARE triple_fault during=#DF")
                .contains("CALL svm_vmexit_handler.shutdown log=triple fault");
    }

    @Test
    @DisplayName("hvm.5.1 nested-fault handler records: svm_do_nested_pgfault / ept_handle_violation with rc and "
            + "class; the MMIO emulator gets the guest-linear address on VMX, none (~0) on SVM")
    void nestedRecords() {
        String s = trace(svm().hap().mapGfn(0x800000, 0x3000, USER_RW).run(step(read(0x800000))));
        assertThat(s).contains("CALL svm_do_nested_pgfault gpa=0x3000000 rc=0 class=npf_unhandled");
        String v = trace(vmx().hap().mapGfn(0x800000, 0x3000, USER_RW).run(step(read(0x800000))));
        assertThat(v).contains("CALL ept_handle_violation gpa=0x3000000 qualification=0x181 rc=0 "
                + "class=npf_unhandled");
        String vm = trace(vmx().hap().mapGfn(0x700000, 0x2000, USER_RW).device("d", "regs", 0x2000)
                .run(step(read(0x700008))));
        assertThat(vm).contains("CALL handle_mmio_with_translation va=0x700008 gfn=0x2000");
        String sm = trace(svm().hap().mapGfn(0x700000, 0x2000, USER_RW).device("d", "regs", 0x2000)
                .run(step(read(0x700008))));
        assertThat(sm).contains("CALL handle_mmio_with_translation va=0xffffffffffffffff gfn=0x2000");
    }

    @Test
    @DisplayName("hvm.7.8 the VM-entry failure record: entry fields and VM-instruction error 7")
    void vmentryFailureRecord() {
        HvmFixture f = vmx().map(DATA_VA, "data", USER_RW).controls(ControlFlag.WP, ControlFlag.NXE, ControlFlag.SMAP)
                .bug("pfec-implicit-leak");
        f.features = EnumSet.of(CpuFeature.NX, CpuFeature.SMEP, CpuFeature.SMAP, CpuFeature.PAGE1GB);
        String s = trace(f.run(step(access(DATA_VA, AccessKind.READ, 3, true))));
        assertThat(s).contains("HARDWARE vmentry_failure entry_intr_info=0x80000b0e entry_error_code=0x40001 "
                + "vm_instruction_error=7");
    }
}
