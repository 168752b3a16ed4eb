package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.Outcome;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.Vectors;
import xpf.sim.trace.Trace;
import xpf.sim.xen.hvm.svm.IntInfo;
import xpf.sim.xen.hvm.svm.Svm;
import xpf.sim.xen.hvm.vmx.IntrInfo;
import xpf.sim.xen.hvm.vmx.Vmx;

/**
 * The decision points of {@code svm_inject_event} and {@code vmx_inject_event} → {@code __vmx_inject_exception}
 * (xen-hvm-fault-path.md §1.4, §2.4, §4) called directly on a built vCPU, with the event already pending in EVENTINJ /
 * VM-entry interruption information set by hand: which pending events are combined (type 3 only), what
 * {@code hvm_combine_hw_exceptions} makes of them, the CR2 write (vector 14 of type HW_EXC only, before the
 * combination), the error code forced to 0 for #DF, the triple fault, the xentrace record of the injection, and the
 * 3.1 overwrite.
 */
class InjectEventDecisionTest {

    static final long CR2 = 0x500000;
    static final int W_U = 6;

    static HvmDomain build(HvmFixture f) {
        return (HvmDomain) f.run().domains().get("guest");
    }

    static Svm svm(HvmDomain d) {
        return (Svm) d.vcpu(0).arch();
    }

    static Vmx vmx(HvmDomain d) {
        return (Vmx) d.vcpu(0).arch();
    }

    // ---- SVM ------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("hvm.1.4 svm_inject_event #PF, nothing pending: EVENTINJ V|type 3|EV|14 with ec in 63:32, VMCB CR2 and "
            + "guest_cr[2] = cr2, TRC_HVM_PF_INJECT64 (ec, cr2 lo, cr2 hi)")
    void svmPageFault() {
        HvmDomain d = build(HvmFixture.svm());
        Trace t = new Trace();
        long cr2 = 0xffff800012345000L;
        HvmEvent w = svm(d).injectEvent(HvmEvent.pageFault(W_U, cr2), t);
        assertThat(w).isEqualTo(HvmEvent.pageFault(W_U, cr2));
        assertThat(svm(d).vmcb().eventInj).isEqualTo(0x0000_0006_8000_0B0EL);
        assertThat(svm(d).vmcb().cr2).isEqualTo(cr2);
        assertThat(d.vcpu(0).guestCr2()).isEqualTo(cr2);
        assertThat(t.render()).contains("CALL svm_inject_event eventinj=0x680000b0e vector=14 ec=W|U cr2="
                + "0xffff800012345000").contains("TRC_HVM_PF_INJECT64 id=0x00082102 d0=0x6 d1=0x12345000 "
                + "d2=0xffff8000").doesNotContain("TRC_HVM_INJ_EXC").doesNotContain("hvm_combine_hw_exceptions");
    }


    @ParameterizedTest(name = "pending {0} vector 14 is not a hardware exception: the #PF overwrites it")
    @EnumSource(value = EventType.class, names = {"EXT_INTR", "NMI", "SW_INT"})
    @DisplayName("hvm.4 only a pending event of type 3 is combined; an interrupt, NMI or software interrupt in EVENTINJ "
            + "is overwritten by the new #PF (no #DF even for vector 14)")
    void svmNonExceptionPendingIsOverwritten(EventType type) {
        HvmDomain d = build(HvmFixture.svm());
        svm(d).vmcb().eventInj = IntInfo.of(new HvmEvent(Vectors.PF, type, null, null)).encode();
        Trace t = new Trace();
        HvmEvent w = svm(d).injectEvent(HvmEvent.pageFault(W_U, CR2), t);
        assertThat(w.vector()).isEqualTo(Vectors.PF);
        assertThat(svm(d).vmcb().eventInj).isEqualTo(0x0000_0006_8000_0B0EL);
        assertThat(t.render()).doesNotContain("hvm_combine_hw_exceptions");
        assertThat(d.alive()).isTrue();
    }

    @Test
    @DisplayName("hvm.4 pending #PF (type 3) + new #PF ⇒ #DF with error code 0; CR2 is still the new #PF's (written "
            + "before the combination); TRC_HVM_INJ_EXC (8, 0)")
    void svmPageFaultOnPageFaultIsDoubleFault() {
        HvmDomain d = build(HvmFixture.svm());
        svm(d).vmcb().cr2 = 0x1000;
        svm(d).vmcb().eventInj = IntInfo.of(HvmEvent.pageFault(2, 0x1000)).encode();
        Trace t = new Trace();
        HvmEvent w = svm(d).injectEvent(HvmEvent.pageFault(W_U, CR2), t);
        assertThat(w).isEqualTo(HvmEvent.hwException(Vectors.DF, 0));
        assertThat(svm(d).vmcb().eventInj).isEqualTo(0x8000_0B08L);
        assertThat(svm(d).vmcb().cr2).isEqualTo(CR2);
        assertThat(d.vcpu(0).guestCr2()).isEqualTo(CR2);
        assertThat(t.render()).contains("CALL hvm_combine_hw_exceptions vec1=14 vec2=14 result=8")
                .contains("CALL svm_inject_event eventinj=0x80000b08 vector=8 ec=0 ")
                .contains("TRC_HVM_INJ_EXC id=0x00082003 d0=0x8 d1=0x0").doesNotContain("TRC_HVM_PF_INJECT");
    }

    @Test
    @DisplayName("hvm.4 pending #GP (contributory) + new #PF ⇒ the #PF with its own error code (vec2)")
    void svmContributoryThenPageFault() {
        HvmDomain d = build(HvmFixture.svm());
        svm(d).vmcb().eventInj = IntInfo.of(HvmEvent.hwException(Vectors.GP, 0x18)).encode();
        HvmEvent w = svm(d).injectEvent(HvmEvent.pageFault(W_U, CR2), new Trace());
        assertThat(w).isEqualTo(HvmEvent.pageFault(W_U, CR2));
        assertThat(svm(d).vmcb().eventInj).isEqualTo(0x0000_0006_8000_0B0EL);
    }

    @Test
    @DisplayName("hvm.4 pending #GP + new #GP(0x10) ⇒ #DF(0): contributory on contributory; the error code is forced "
            + "to 0")
    void svmContributoryThenContributory() {
        HvmDomain d = build(HvmFixture.svm());
        svm(d).vmcb().eventInj = IntInfo.of(HvmEvent.hwException(Vectors.GP, 0)).encode();
        HvmEvent w = svm(d).injectEvent(HvmEvent.hwException(Vectors.GP, 0x10), new Trace());
        assertThat(w).isEqualTo(HvmEvent.hwException(Vectors.DF, 0));
        assertThat(svm(d).vmcb().eventInj).isEqualTo(0x8000_0B08L);
    }

    @Test
    @DisplayName("hvm.4 pending #DF + new #PF ⇒ hvm_triple_fault (domain_shutdown reboot); #DF is still written to "
            + "EVENTINJ as the dummy")
    void svmFaultOnDoubleFaultIsTripleFault() {
        HvmDomain d = build(HvmFixture.svm());
        svm(d).vmcb().eventInj = IntInfo.of(HvmEvent.hwException(Vectors.DF, 0)).encode();
        Trace t = new Trace();
        HvmEvent w = svm(d).injectEvent(HvmEvent.pageFault(W_U, CR2), t);
        assertThat(w.vector()).isEqualTo(Vectors.DF);
        assertThat(svm(d).vmcb().eventInj).isEqualTo(0x8000_0B08L);
        assertThat(d.alive()).isFalse();
        assertThat(d.end()).isEqualTo(new Outcome.TripleFault("reboot", "fault while delivering #DF"));
        assertThat(t.render()).contains("Triple fault - invoking HVM shutdown action 1");
    }

    @Test
    @DisplayName("hvm.4 pending #BP injected as type 3 (SVM has no type 6) is benign: the new #PF replaces it, no #DF")
    void svmBenignPendingReplaced() {
        HvmDomain d = build(HvmFixture.svm());
        svm(d).vmcb().eventInj = IntInfo.of(new HvmEvent(Vectors.BP, EventType.SW_EXC, null, null)).encode();
        HvmEvent w = svm(d).injectEvent(HvmEvent.pageFault(W_U, CR2), new Trace());
        assertThat(w.vector()).isEqualTo(Vectors.PF);
    }

    @Test
    @DisplayName("hvm.7.1 xen-3.1 svm_inject_exception: no combination; the pending #PF is overwritten (the ASSERT is a "
            + "debug-build check, shown as a trace note), CR2 = the new one")
    void svm31Overwrites() {
        HvmDomain d = build(HvmFixture.svm().xen(XenProfile.XEN_3_1));
        svm(d).vmcb().eventInj = IntInfo.of(HvmEvent.pageFault(2, 0x1000)).encode();
        Trace t = new Trace();
        HvmEvent w = svm(d).injectEvent(HvmEvent.pageFault(W_U, CR2), t);
        assertThat(w).isEqualTo(HvmEvent.pageFault(W_U, CR2));
        assertThat(svm(d).vmcb().eventInj).isEqualTo(0x0000_0006_8000_0B0EL);
        assertThat(svm(d).vmcb().cr2).isEqualTo(CR2);
        assertThat(t.render()).contains("ASSERT(!eventinj.v) in svm_inject_exception: pending event 0x280000b0e is "
                + "overwritten").contains("CALL svm_inject_exception").doesNotContain("hvm_combine_hw_exceptions")
                .contains("TRC_HVM_PF_INJECT id=0x00082002 d0=0x6 d1=0x500000");
    }

    @Test
    @DisplayName("hvm.1.4 bug cr2-after-combine: a #PF that stays a #PF still writes CR2 (after the combination)")
    void svmCr2LateStillWritesWhenNotCombined() {
        HvmDomain d = build(HvmFixture.svm().bug("cr2-after-combine"));
        svm(d).injectEvent(HvmEvent.pageFault(W_U, CR2), new Trace());
        assertThat(svm(d).vmcb().cr2).isEqualTo(CR2);
        assertThat(d.vcpu(0).guestCr2()).isEqualTo(CR2);
    }

    @Test
    @DisplayName("hvm.1.4 bug no-df-combine: the pending #PF is overwritten by the new #PF; no ASSERT note (4.22)")
    void svmNoDfCombineBug() {
        HvmDomain d = build(HvmFixture.svm().bug("no-df-combine"));
        svm(d).vmcb().eventInj = IntInfo.of(HvmEvent.pageFault(2, 0x1000)).encode();
        Trace t = new Trace();
        HvmEvent w = svm(d).injectEvent(HvmEvent.pageFault(W_U, CR2), t);
        assertThat(w.vector()).isEqualTo(Vectors.PF);
        assertThat(t.render()).doesNotContain("hvm_combine_hw_exceptions").doesNotContain("ASSERT");
    }

    // ---- VMX ------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("hvm.2.4 vmx_inject_event #PF: guest_cr2 = cr2, entry info 0x80000B0E, entry error code = ec, "
            + "TRC_HVM_PF_INJECT64")
    void vmxPageFault() {
        HvmDomain d = build(HvmFixture.vmx());
        Trace t = new Trace();
        HvmEvent w = vmx(d).injectEvent(HvmEvent.pageFault(W_U, CR2), t);
        assertThat(w).isEqualTo(HvmEvent.pageFault(W_U, CR2));
        assertThat(vmx(d).vmcs().entryIntrInfo).isEqualTo(0x80000B0EL);
        assertThat(vmx(d).vmcs().entryErrorCode).isEqualTo(W_U);
        assertThat(d.vcpu(0).guestCr2()).isEqualTo(CR2);
        assertThat(t.render()).contains("CALL __vmx_inject_exception entry_intr_info=0x80000b0e entry_error_code=0x6 "
                + "guest_cr2=0x500000").contains("TRC_HVM_PF_INJECT64 id=0x00082102 d0=0x6 d1=0x500000 d2=0x0");
    }


    @ParameterizedTest(name = "pending {0} vector 14 is not a hardware exception: the #PF overwrites it")
    @EnumSource(value = EventType.class, names = {"EXT_INTR", "NMI", "SW_INT", "SW_EXC"})
    @DisplayName("hvm.4 VMX combines only a pending type 3; others (incl. type 6 INT3/INTO, which VMX keeps) are "
            + "overwritten")
    void vmxNonExceptionPendingIsOverwritten(EventType type) {
        HvmDomain d = build(HvmFixture.vmx());
        vmx(d).vmcs().entryIntrInfo = IntrInfo.of(new HvmEvent(Vectors.PF, type, null, null)).encode();
        Trace t = new Trace();
        HvmEvent w = vmx(d).injectEvent(HvmEvent.pageFault(W_U, CR2), t);
        assertThat(w.vector()).isEqualTo(Vectors.PF);
        assertThat(vmx(d).vmcs().entryIntrInfo).isEqualTo(0x80000B0EL);
        assertThat(t.render()).doesNotContain("hvm_combine_hw_exceptions");
    }

    @Test
    @DisplayName("hvm.4 VMX pending #PF + new #PF ⇒ #DF: entry info 0x80000B08, entry error code 0, guest_cr2 = the new "
            + "#PF's, TRC_HVM_INJ_EXC (8, 0)")
    void vmxPageFaultOnPageFault() {
        HvmDomain d = build(HvmFixture.vmx());
        vmx(d).vmcs().entryIntrInfo = 0x80000B0EL;
        vmx(d).vmcs().entryErrorCode = 2;
        Trace t = new Trace();
        HvmEvent w = vmx(d).injectEvent(HvmEvent.pageFault(W_U, CR2), t);
        assertThat(w).isEqualTo(HvmEvent.hwException(Vectors.DF, 0));
        assertThat(vmx(d).vmcs().entryIntrInfo).isEqualTo(0x80000B08L);
        assertThat(vmx(d).vmcs().entryErrorCode).isZero();
        assertThat(d.vcpu(0).guestCr2()).isEqualTo(CR2);
        assertThat(t.render()).contains("CALL hvm_combine_hw_exceptions vec1=14 vec2=14 result=8")
                .contains("TRC_HVM_INJ_EXC id=0x00082003 d0=0x8 d1=0x0");
    }

    @Test
    @DisplayName("hvm.4 VMX pending #GP + new #PF ⇒ #PF (vec2) with its error code")
    void vmxContributoryThenPageFault() {
        HvmDomain d = build(HvmFixture.vmx());
        vmx(d).vmcs().entryIntrInfo = IntrInfo.of(HvmEvent.hwException(Vectors.GP, 0)).encode();
        HvmEvent w = vmx(d).injectEvent(HvmEvent.pageFault(W_U, CR2), new Trace());
        assertThat(w).isEqualTo(HvmEvent.pageFault(W_U, CR2));
        assertThat(vmx(d).vmcs().entryIntrInfo).isEqualTo(0x80000B0EL);
        assertThat(vmx(d).vmcs().entryErrorCode).isEqualTo(W_U);
    }

    @Test
    @DisplayName("hvm.4 VMX pending #DF + new #PF ⇒ triple fault; HVM_PARAM_TRIPLE_FAULT_REASON 3 ⇒ crash")
    void vmxTripleFault() {
        HvmDomain d = build(HvmFixture.vmx().param("triple_fault_reason", 3));
        vmx(d).vmcs().entryIntrInfo = 0x80000B08L;
        vmx(d).injectEvent(HvmEvent.pageFault(W_U, CR2), new Trace());
        assertThat(vmx(d).vmcs().entryIntrInfo).isEqualTo(0x80000B08L);
        assertThat(d.end()).isEqualTo(new Outcome.TripleFault("crash", "fault while delivering #DF"));
    }

    @Test
    @DisplayName("hvm.2.5 xen-3.1 vmx_inject_hw_exception: no combination, the new #PF replaces the pending one")
    void vmx31Overwrites() {
        HvmDomain d = build(HvmFixture.vmx().xen(XenProfile.XEN_3_1));
        vmx(d).vmcs().entryIntrInfo = 0x80000B0EL;
        Trace t = new Trace();
        vmx(d).injectEvent(HvmEvent.pageFault(W_U, CR2), t);
        assertThat(vmx(d).vmcs().entryIntrInfo).isEqualTo(0x80000B0EL);
        assertThat(vmx(d).vmcs().entryErrorCode).isEqualTo(W_U);
        assertThat(t.render()).doesNotContain("hvm_combine_hw_exceptions")
                .contains("TRC_HVM_PF_INJECT id=0x00082002 d0=0x6 d1=0x500000");
    }

    @Test
    @DisplayName("hvm.7.8 __vmx_inject_exception: an error code wider than 16 bits trips the ASSERT (trace note) and "
            + "is written as is")
    void vmxWideErrorCodeNote() {
        HvmDomain d = build(HvmFixture.vmx());
        Trace t = new Trace();
        vmx(d).injectEvent(HvmEvent.pageFault(0x40001, CR2), t);
        assertThat(vmx(d).vmcs().entryErrorCode).isEqualTo(0x40001);
        assertThat(t.render()).contains("ASSERT in __vmx_inject_exception would fire: error code 0x40001 does not "
                + "fit 16 bits");
        Trace ok = new Trace();
        vmx(build(HvmFixture.vmx())).injectEvent(HvmEvent.pageFault(0xFFFF, CR2), ok);
        assertThat(ok.render()).doesNotContain("ASSERT");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.1.4 step 1 hvm_inject_event: the error-code ASSERT (a #GP without an error code, a #BP with "
            + "one) is a trace note; a #GP(0) is fine")
    void hvmInjectEventAssert(DomainKind k) {
        HvmDomain d = build(HvmFixture.of(k));
        Trace bad = new Trace();
        HvmInjection.hvmInjectEvent(d.vcpu(0), HvmEvent.hwException(Vectors.GP, null), bad);
        assertThat(bad.render()).contains("ASSERT in hvm_inject_event would fire: #GP(hw_exc) error code presence "
                + "is wrong");
        Trace bp = new Trace();
        HvmInjection.hvmInjectEvent(build(HvmFixture.of(k)).vcpu(0), HvmEvent.hwException(Vectors.BP, 0), bp);
        assertThat(bp.render()).contains("ASSERT in hvm_inject_event");
        Trace good = new Trace();
        HvmInjection.hvmInjectHwException(build(HvmFixture.of(k)).vcpu(0), Vectors.GP, 0, good);
        assertThat(good.render()).doesNotContain("ASSERT").contains("CALL hvm_inject_event vector=13 type=hw_exc "
                + "ec=0");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.4 the step log records the injection with CR2 for #PF and #DF, none for #GP; nothing once the "
            + "injection ended the domain")
    void injectionLogged(DomainKind k) {
        HvmDomain d = build(HvmFixture.of(k));
        HvmVcpu v = d.vcpu(0);
        HvmInjection.hvmInjectHwException(v, Vectors.GP, 0, new Trace());
        assertThat(v.log().outcome()).isInstanceOfSatisfying(Outcome.Injected.class, o -> {
            assertThat(o.vector()).isEqualTo(Vectors.GP);
            assertThat(o.errorCode()).isZero();
            assertThat(o.cr2()).isNull();
        });
        v.log = new StepLog();
        HvmInjection.hvmInjectPageFault(v, W_U, CR2, new Trace());
        assertThat(v.log().outcome()).isInstanceOfSatisfying(Outcome.Injected.class, o -> {
            assertThat(o.vector()).isEqualTo(Vectors.PF);
            assertThat(o.cr2()).isEqualTo(CR2);
        });
        v.log = new StepLog();
        HvmInjection.hvmInjectPageFault(v, W_U, 0x600000, new Trace());
        assertThat(v.log().outcome()).isInstanceOfSatisfying(Outcome.DoubleFault.class,
                o -> assertThat(o.cr2()).isEqualTo(0x600000L));
        v.log = new StepLog();
        HvmInjection.hvmInjectPageFault(v, W_U, 0x700000, new Trace());
        assertThat(d.alive()).isFalse();
        assertThat(v.log().outcome()).isInstanceOf(Outcome.TripleFault.class);
    }

    @Test
    @DisplayName("hvm.4 SHUTDOWN_* codes of public/sched.h by value (poweroff 0 .. soft_reset 5); others shown as the "
            + "number; a triple fault with reason 5 ends the domain with soft_reset")
    void shutdownNames() {
        assertThat(java.util.stream.LongStream.rangeClosed(-1, 6).mapToObj(HvmInjection::shutdownName))
                .containsExactly("-1", "poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset", "6");
        HvmDomain d = build(HvmFixture.svm().param("triple_fault_reason", 5));
        svm(d).vmcb().eventInj = IntInfo.of(HvmEvent.hwException(Vectors.DF, 0)).encode();
        svm(d).injectEvent(HvmEvent.pageFault(W_U, CR2), new Trace());
        assertThat(d.end()).isEqualTo(new Outcome.TripleFault("soft_reset", "fault while delivering #DF"));
    }

    @Test
    @DisplayName("hvm.1.4/2.4 an event without an error code (an external interrupt): EV / bit 11 clear, the entry "
            + "error-code field untouched, traced as ec=- and TRC_HVM_INJ_EXC (vector, 0)")
    void eventWithoutErrorCode() {
        HvmDomain s = build(HvmFixture.svm());
        Trace ts = new Trace();
        HvmEvent intr = new HvmEvent(0x30, EventType.EXT_INTR, null, null);
        assertThat(svm(s).injectEvent(intr, ts)).isEqualTo(intr);
        assertThat(svm(s).vmcb().eventInj).isEqualTo(0x8000_0030L);
        assertThat(ts.render()).contains("CALL svm_inject_event eventinj=0x80000030 vector=48 ec=- ")
                .contains("TRC_HVM_INJ_EXC id=0x00082003 d0=0x30 d1=0x0");
        HvmDomain x = build(HvmFixture.vmx());
        vmx(x).vmcs().entryErrorCode = 0x77;
        Trace tx = new Trace();
        vmx(x).injectEvent(intr, tx);
        assertThat(vmx(x).vmcs().entryIntrInfo).isEqualTo(0x8000_0030L);
        assertThat(vmx(x).vmcs().entryErrorCode).isEqualTo(0x77);
        assertThat(tx.render()).contains("TRC_HVM_INJ_EXC id=0x00082003 d0=0x30 d1=0x0");
    }
}
