package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.Step;
import xpf.model.x86.Vectors;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.trace.Trace;
import xpf.sim.xen.hvm.svm.Svm;
import xpf.sim.xen.hvm.vmx.Vmx;
import xpf.sim.xen.mm.p2m.P2mType;

/**
 * HAP (xen-hvm-fault-path.md §5): the guest's own faults never exit; nested faults (SVM #VMEXIT(NPF) 0x400, VMX EPT
 * violation 48) go to {@code hvm_hap_nested_page_fault} and end in the outcome classes of §5.2, for SVM and VMX.
 */
class HapTest {
    static final long DATA_GPA = 0x1010L << 12;

    static HvmFixture hapGuest(DomainKind k) {
        return of(k).hap().map(DATA_VA, "data", USER_RW).mem("data", 0, 0x1111);
    }

    static HvmDomain dom(ScenarioRunner.Run r) {
        return (HvmDomain) r.domains().get("guest");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.5 RAM: no exit at all; a guest #PF is delivered by the hardware (never intercepted)")
    void ramAndGuestFaults(DomainKind k) {
        ScenarioRunner.Run r = hapGuest(k).run(step(read(DATA_VA)), step(write(0x500000, 1)));
        Expect.step(r, 0, OutcomeClass.OK, "value", "0x1111");
        Expect.step(r, 1, OutcomeClass.DELIVERED, "vector", "14", "error_code", "W|U", "cr2", "0x500000");
        assertThat(r.trace().render()).doesNotContain("VMEXIT");
    }

    @Test
    @DisplayName("hvm.5.1 SVM NPF: exitcode 0x400, exitinfo1 = P|W|U + bit 32 (final gpa), exitinfo2 = gpa; logdirty")
    void svmLogDirty() {
        ScenarioRunner.Run r = hapGuest(DomainKind.HVM_SVM).p2m(0x1010, "ram_logdirty").run(step(write(DATA_VA, 7)),
                step(read(DATA_VA)));
        Expect.step(r, 0, OutcomeClass.FIXED, "fixup", "hap_logdirty");
        Expect.step(r, 1, OutcomeClass.OK, "value", "7");
        assertThat(r.trace().render()).contains("exitcode=0x400 name=VMEXIT_NPF exitinfo1=0x100000007 "
                + "exitinfo2=0x1010000").contains("TRC_HVM_NPF id=0x00082021 d0=0x1010000 d1=0x0")
                .contains("d4=0x0 d5=0x0"); // SVM traces after handling: the type is ram_rw (0) by then
        assertThat(dom(r).p2m().lookup(0x1010).type()).isEqualTo(P2mType.RAM_RW);
        assertThat(dom(r).view().dirtyGfns()).containsExactly(0x1010L);
    }

    @Test
    @DisplayName("hvm.5.1 VMX EPT violation: reason 48, qualification w | entry r-x | GLA valid | final = 0x1aa")
    void vmxLogDirty() {
        ScenarioRunner.Run r = hapGuest(DomainKind.HVM_VMX).p2m(0x1010, "ram_logdirty").run(step(write(DATA_VA, 7)));
        Expect.step(r, 0, OutcomeClass.FIXED, "fixup", "hap_logdirty");
        assertThat(r.trace().render()).contains("exit_reason=0x30 name=EXIT_REASON_EPT_VIOLATION")
                .contains("exit_qualification=0x1aa").contains("TRC_HVM_NPF id=0x00082021 d0=0x1010000 d1=0x0")
                .contains("d4=0x1aa d5=0x2"); // VMX traces before handling: still ram_logdirty (2)
        Vmx x = (Vmx) dom(r).vcpu(0).arch();
        assertThat(x.vmcs().guestPhysicalAddress).isEqualTo(DATA_GPA);
        assertThat(x.vmcs().guestLinearAddress).isEqualTo(DATA_VA);
    }

    @Test
    @DisplayName("hvm.5.1 a nested fault during the guest's page walk (A update on a log-dirty table): bit 33 in_gpt")
    void nestedFaultInGuestPageTable() {
        // The L1 of 0x400000 is gfn 0x1034 (see ShPageFaultTest); its PDE has A clear, so the walk writes it.
        ScenarioRunner.Run r = hapGuest(DomainKind.HVM_SVM).p2m(0x1032, "ram_logdirty").run(step(read(DATA_VA)));
        Expect.step(r, 0, OutcomeClass.FIXED, "fixup", "hap_logdirty");
        assertThat(r.trace().render()).contains("exitinfo1=0x200000007 exitinfo2=0x1032010");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.5.2.6 a write to ram_ro is emulated and dropped")
    void readOnlyDiscard(DomainKind k) {
        ScenarioRunner.Run r = hapGuest(k).p2m(0x1010, "ram_ro").run(step(write(DATA_VA, 9)), step(read(DATA_VA)));
        Expect.step(r, 0, OutcomeClass.EMULATED, "fixup", "hap_discard_write");
        Expect.step(r, 1, OutcomeClass.OK, "value", "0x1111");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.5.2.6 a write crossing a page is mapped first (hvmemul_map_linear_addr): the first discard-write "
            + "frame drops all of it, a later page is never translated, an earlier RAM page is not written (S10)")
    void crossingWriteStopsAtDiscardWriteFrame(DomainKind k) {
        // from the ram_ro page into the unmapped 0x401000: before the fix, the second page's walk injected #PF(W|U)
        ScenarioRunner.Run r = hapGuest(k).p2m(0x1010, "ram_ro").run(step(write(DATA_VA + 0xffc, 5)),
                step(read(DATA_VA)));
        Expect.step(r, 0, OutcomeClass.EMULATED, "fixup", "hap_discard_write");
        Expect.step(r, 1, OutcomeClass.OK, "value", "0x1111");
        assertThat(r.trace().render()).contains("hvmemul_map_linear_addr");
        // from a writable RAM page into the ram_ro page: before the fix, the RAM half was written
        ScenarioRunner.Run r2 = hapGuest(k).p2m(0x1010, "ram_ro").frame("ram", 0x1011)
                .map(DATA_VA - 0x1000, "ram", USER_RW).mem("ram", 0xff8, 0x1111)
                .run(step(write(DATA_VA - 4, 0x2222222222222222L)), step(read(DATA_VA - 8)));
        Expect.step(r2, 0, OutcomeClass.EMULATED, "fixup", "hap_discard_write");
        Expect.step(r2, 1, OutcomeClass.OK, "value", "0x1111");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.5.2.6 MMIO-DM: reads return device values, writes change device state")
    void mmioDeviceModel(DomainKind k) {
        ScenarioRunner.Run r = of(k).hap().mapGfn(0x700000, 0x2000, USER_RW).device("ctr", "counter", 0x2000, 0, 5)
                .run(step(read(0x700000)), step(read(0x700000)), step(write(0x700008, 0xabc)), step(read(0x700008)));
        Expect.step(r, 0, OutcomeClass.EMULATED, "fixup", "mmio", "value", "5");
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "mmio", "value", "6");
        Expect.step(r, 2, OutcomeClass.EMULATED, "fixup", "mmio");
        Expect.step(r, 3, OutcomeClass.EMULATED, "fixup", "mmio", "value", "0xabc");
        assertThat(dom(r).view().devices().get(0).registers()).containsEntry(0, 7L).containsEntry(8, 0xabcL);
    }

    @Test
    @DisplayName("hvm.5.2.2 internal MMIO (LAPIC) is emulated without a p2m lookup")
    void internalMmio() {
        ScenarioRunner.Run r = of(DomainKind.HVM_VMX).hap().mapGfn(0x700000, 0xfee00, USER_RW)
                .device("lapic", "lapic", 0xfee00, 0x30, 0x50014).run(step(read(0x700030)));
        Expect.step(r, 0, OutcomeClass.EMULATED, "fixup", "mmio", "value", "0x50014");
        assertThat(r.trace().render()).doesNotContain("get_gfn_type_access");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.5.2.3 populate-on-demand: the lookup populates a zeroed frame; the guest retries")
    void populateOnDemand(DomainKind k) {
        ScenarioRunner.Run r = of(k).hap().map(DATA_VA, "data", USER_RW).p2m(0x1010, "populate_on_demand")
                .run(step(read(DATA_VA)));
        Expect.step(r, 0, OutcomeClass.FIXED, "fixup", "hap_pod");
        assertThat(dom(r).p2m().lookup(0x1010).type()).isEqualTo(P2mType.RAM_RW);
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.5.2.7 paged-out: the pager brings the page back with its contents; the guest retries")
    void paged(DomainKind k) {
        ScenarioRunner.Run r = hapGuest(k).p2m(0x1010, "ram_paged").run(step(read(DATA_VA)), step(read(DATA_VA)));
        Expect.step(r, 0, OutcomeClass.FIXED, "fixup", "hap_paging");
        Expect.step(r, 1, OutcomeClass.OK, "value", "0x1111");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.5.2.3/8 shared: reads run, a write unshares (copy); ENOMEM crashes unless a ring exists")
    void shared(DomainKind k) {
        ScenarioRunner.Run r = hapGuest(k).p2m(0x1010, "ram_shared").run(step(read(DATA_VA)), step(write(DATA_VA, 3)),
                step(read(DATA_VA)));
        Expect.step(r, 0, OutcomeClass.OK, "value", "0x1111");
        Expect.step(r, 1, OutcomeClass.FIXED, "fixup", "hap_unshare");
        Expect.step(r, 2, OutcomeClass.OK, "value", "3");
        ScenarioRunner.Run enomem = hapGuest(k).p2m(0x1010, "ram_shared").param("unshare_fails", 1)
                .run(step(write(DATA_VA, 3)));
        Expect.step(enomem, 0, OutcomeClass.DOMAIN_CRASH, "reason", "hap_sharing_enomem");
        ScenarioRunner.Run ring = hapGuest(k).p2m(0x1010, "ram_shared").param("unshare_fails", 1)
                .param("mem_sharing_ring", 1).run(step(write(DATA_VA, 3)));
        Expect.step(ring, 0, OutcomeClass.FIXED, "fixup", "hap_sharing_enomem");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.5.2.10 a gfn with no p2m entry: the caller crashes the domain (SVM / EPT violation)")
    void invalidCrashes(DomainKind k) {
        ScenarioRunner.Run r = of(k).hap().mapGfn(0x800000, 0x3000, USER_RW).run(step(read(0x800000)));
        Expect.step(r, 0, OutcomeClass.DOMAIN_CRASH, "reason", "npf_unhandled");
        assertThat(r.trace().render()).contains(k == DomainKind.HVM_SVM ? "SVM violation gpa 0x3000000"
                : "EPT violation 0x181 (r--/---) gpa 0x3000000");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.4 / 1.1g under HAP the CPU combines: #PF while delivering #PF ⇒ #DF delivered, no exit")
    void hardwareDoubleFault(DomainKind k) {
        ScenarioRunner.Run r = of(k).hap().noStackMapping().dfIst().run(step(write(0x500000, 1)));
        Expect.step(r, 0, OutcomeClass.DOUBLE_FAULT, "cr2", "0x20ff8", "delivery.vector", "8");
        assertThat(r.trace().render()).doesNotContain("VMEXIT");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.4 under HAP a fault while delivering #DF is a triple-fault exit ⇒ hvm_triple_fault")
    void hardwareTripleFault(DomainKind k) {
        ScenarioRunner.Run r = of(k).hap().noIdtMapping().run(step(write(0x500000, 1)));
        Expect.step(r, 0, OutcomeClass.TRIPLE_FAULT, "shutdown", "reboot", "cause", "shutdown_exit");
    }

    @Test
    @DisplayName("hvm.0 hap_page_fault: an intercepted #PF with HAP enabled crashes the domain")
    void interceptedPfUnderHap() {
        ScenarioRunner.Run r = of(DomainKind.HVM_VMX).hap().run();
        HvmDomain d = dom(r);
        ((Vmx) d.vcpu(0).arch()).vmcs().exceptionBitmap |= 1L << Vectors.PF;
        var o = d.step(new Step("guest", 0, write(0x500000, 1), null, null, null, 0), new Trace());
        Expect.outcome(o, OutcomeClass.DOMAIN_CRASH, "reason", "hap_intercepted_pf");
        HvmDomain s = dom(of(DomainKind.HVM_SVM).hap().run());
        assertThat(((Svm) s.vcpu(0).arch()).intercepts(Vectors.PF, 0)).isFalse();
    }
}
