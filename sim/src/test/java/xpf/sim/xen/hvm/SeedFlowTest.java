package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.XenProfile;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.trace.TraceEvent;

/**
 * The seed mail's HVM flow ("#VMEXIT with page-fault exitcode 0x4E → svm_do_page_fault → shadow_fault → fixed or
 * inject exception → vmrun"; "replace SVM with VMX"), both outcomes, with exact VMCB/VMCS fields (§1.3, §1.4, §2.3,
 * §2.4).
 */
class SeedFlowTest {

    static ScenarioRunner.Run seed(HvmFixture f) {
        return f.map(DATA_VA, "data", USER_RW).run(step(read(DATA_VA)), step(write(0x500000, 1)));
    }

    @Test
    @DisplayName("seed.svm.fixed §1.3: exit 0x4E exitinfo1=U exitinfo2=va, sh_page_fault fixes, VMRUN, guest retries")
    void svmFixed() {
        ScenarioRunner.Run r = seed(svm());
        Expect.step(r, 0, OutcomeClass.FIXED, "fixup", "shadow_fixup");
        assertThat(r.trace().render()).contains("VMEXIT #VMEXIT exitcode=0x4e name=VMEXIT_EXCEPTION_PF "
                + "exitinfo1=0x4 exitinfo2=0x400000 exit_int_info=0x0");
    }

    @Test
    @DisplayName("seed.svm.injected §1.4: EVENTINJ 0x0000000680000B0E, VMCB CR2 = va, delivered to vector 14")
    void svmInjected() {
        ScenarioRunner.Run r = seed(svm());
        Expect.step(r, 1, OutcomeClass.INJECTED, "vector", "14", "error_code", "W|U", "cr2", "0x500000",
                "event.eventinj", "0x0000000680000b0e", "event.exitcode", "0x4e", "event.exitinfo1", "0x6",
                "event.exitinfo2", "0x500000", "event.exit_int_info", "0", "event.cr2", "0x500000",
                "delivery.vector", "14", "delivery.error_code", "W|U", "delivery.cr2", "0x500000",
                "delivery.handler", "0xffffffff81000e00", "delivery.frame.error_code", "6",
                "delivery.frame.rip", "0x401000", "delivery.frame.cs", "0x33", "delivery.frame.rsp", "0x7ffff000",
                "delivery.frame.ss", "0x2b", "delivery.frame.base", "0x20fd0");
    }

    @Test
    @DisplayName("seed.vmx.fixed §2.3: exit reason 0, intr info 0x80000B0E, qualification = va, error code U")
    void vmxFixed() {
        ScenarioRunner.Run r = seed(vmx());
        Expect.step(r, 0, OutcomeClass.FIXED, "fixup", "shadow_fixup");
        assertThat(r.trace().render()).contains("VMEXIT VM exit exit_reason=0x0 name=EXIT_REASON_EXCEPTION_NMI "
                + "exit_intr_info=0x80000b0e exit_intr_error_code=0x4 exit_qualification=0x400000");
    }

    @Test
    @DisplayName("seed.vmx.injected §2.4: VM_ENTRY_INTR_INFO 0x80000B0E, entry error code, guest CR2 loaded")
    void vmxInjected() {
        ScenarioRunner.Run r = seed(vmx());
        Expect.step(r, 1, OutcomeClass.INJECTED, "vector", "14", "error_code", "W|U", "cr2", "0x500000",
                "event.entry_intr_info", "0x80000b0e", "event.entry_error_code", "0x6", "event.exit_reason", "0",
                "event.exit_intr_info", "0x80000b0e", "event.exit_intr_error_code", "0x6",
                "event.exit_qualification", "0x500000", "event.idt_vectoring_info", "0",
                "event.guest_cr2", "0x500000", "delivery.vector", "14", "delivery.cr2", "0x500000",
                "delivery.frame.error_code", "6", "delivery.frame.rflags", "0x202");
    }

    @Test
    @DisplayName("seed: the trace shows the five steps of the mail in order, for SVM and VMX")
    void fiveSeedSteps() {
        for (HvmFixture f : List.of(svm(), vmx(), svm().xen(XenProfile.XEN_3_1), vmx().xen(XenProfile.XEN_3_1))) {
            ScenarioRunner.Run r = seed(f);
            List<Integer> order = r.trace().eventsOfStep(1).stream().filter(e -> e.fields().containsKey("seed_step"))
                    .map(e -> Integer.parseInt(e.fields().get("seed_step"))).distinct().toList();
            assertThat(order).as(f.kind + " " + f.xen).startsWith(5, 1, 2, 3, 4);
            assertThat(r.trace().eventsOfStep(1).stream().filter(e -> e.kind() == TraceEvent.Kind.RESUME).count())
                    .isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    @DisplayName("seed xen-3.1: svm_inject_exception, no TRC_SHADOW records, TRC_HVM_VMEXIT and PF_XEN va first")
    void xen31Names() {
        ScenarioRunner.Run r = seed(svm().xen(XenProfile.XEN_3_1));
        String t = r.trace().render();
        assertThat(t).contains("CALL svm_inject_exception eventinj=0x680000b0e").doesNotContain("TRC_SHADOW")
                .contains("TRC_HVM_VMEXIT id=0x00081002 d0=0x4e")
                .contains("TRC_HVM_PF_XEN id=0x00082001 d0=0x400000 d1=0x4")
                .contains("CALL svm_asid result=new ASID after a fixed shadow fault asid=0x2");
        Expect.step(r, 0, OutcomeClass.FIXED, "fixup", "shadow_fixup");
    }

    @Test
    @DisplayName("§6 TRC_HVM_PF_XEN64 (ec, va) when TRC_SHADOW is not traced; TRC_SHADOW_FIXUP otherwise")
    void pfXenTrace() {
        String off = seed(svm().param("xentrace_shadow", 0)).trace().render();
        assertThat(off).contains("TRC_HVM_PF_XEN64 id=0x00082101 d0=0x5 d1=0x400000 d2=0x0")
                .doesNotContain("TRC_SHADOW_FIXUP");
        String on = seed(svm()).trace().render();
        assertThat(on).contains("TRC_SHADOW_FIXUP id=0x0040f206").doesNotContain("TRC_HVM_PF_XEN64");
        assertThat(on).contains("TRC_HVM_PF_INJECT64 id=0x00082102 d0=0x6 d1=0x500000 d2=0x0");
    }

    @Test
    @DisplayName("§1.3 step 2: guest_cr[2] equals VMCB CR2 after every exit (3e6bca616b)")
    void guestCr2InSync() {
        ScenarioRunner.Run r = seed(svm());
        HvmDomain d = (HvmDomain) r.domains().get("guest");
        var v = d.view().vcpus().get(0);
        assertThat(v.guestCr2()).isEqualTo(v.arch().get("cr2")).isEqualTo(0x500000L);
    }
}
