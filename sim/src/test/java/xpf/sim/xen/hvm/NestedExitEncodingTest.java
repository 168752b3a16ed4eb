package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.OutcomeClass;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.xen.hvm.svm.Svm;
import xpf.sim.xen.hvm.vmx.Vmx;

/**
 * How the processor reports a nested page fault and how each exit handler reads it (xen-hvm-fault-path.md §5.1):
 * SVM {@code exitinfo1} = #PF-style P/W/U/I + bit 32 (final GPA) or bit 33 (guest page-table walk), VMX EPT-violation
 * qualification r/w/x (0-2), the entry's r/w/x (3-5), GLA valid (7), final (8); the crash message of an unhandled
 * violation ("SVM violation gpa ..." / "EPT violation 0x... (rwx/rwx) gpa ..."), and the deferred-change check SVM
 * makes only for a present entry.
 */
class NestedExitEncodingTest {

    static final long HOLE_GFN = 0x3000;
    static final long HOLE_VA = 0x800000;
    static final long GRANT_GFN = 0x1015;
    static final long GRANT_VA = 0x900000;

    static HvmFixture guest(DomainKind k) {
        return of(k).hap().mapGfn(HOLE_VA, HOLE_GFN, USER_RW).frame("grant", GRANT_GFN).map(GRANT_VA, "grant", USER_RW)
                .p2m(GRANT_GFN, "grant_map_ro");
    }

    static Svm svmOf(ScenarioRunner.Run r) {
        return (Svm) ((HvmDomain) r.domains().get("guest")).vcpu(0).arch();
    }

    static Vmx vmxOf(ScenarioRunner.Run r) {
        return (Vmx) ((HvmDomain) r.domains().get("guest")).vcpu(0).arch();
    }

    @Test
    @DisplayName("hvm.5.1 SVM NPF, read of a hole: exitinfo1 = U | final (0x100000004, no P: no entry), exitinfo2 = "
            + "gpa; no deferred-change check for a not-present entry; crash 'SVM violation'")
    void svmReadOfHole() {
        ScenarioRunner.Run r = guest(DomainKind.HVM_SVM).run(step(read(HOLE_VA + 0x18)));
        Expect.step(r, 0, OutcomeClass.DOMAIN_CRASH, "reason", "npf_unhandled");
        assertThat(svmOf(r).vmcb().exitinfo1).isEqualTo(0x1_0000_0004L);
        assertThat(svmOf(r).vmcb().exitinfo2).isEqualTo(0x3000018L);
        assertThat(r.trace().render()).contains("SVM violation gpa 0x3000018").doesNotContain(
                "p2m_pt_handle_deferred_changes");
    }

    @Test
    @DisplayName("hvm.5.1 SVM NPF, write to a hole: exitinfo1 = W | U | final (0x100000006)")
    void svmWriteToHole() {
        ScenarioRunner.Run r = guest(DomainKind.HVM_SVM).run(step(write(HOLE_VA, 1)));
        assertThat(svmOf(r).vmcb().exitinfo1).isEqualTo(0x1_0000_0006L);
    }

    @Test
    @DisplayName("hvm.5.1 SVM NPF, fetch from a read-only grant (present, not executable): exitinfo1 = P | U | I | "
            + "final (0x100000015); present ⇒ p2m_pt_handle_deferred_changes first; not RAM ⇒ crash")
    void svmFetchFromGrant() {
        ScenarioRunner.Run r = guest(DomainKind.HVM_SVM).run(step(fetch(GRANT_VA)));
        Expect.step(r, 0, OutcomeClass.DOMAIN_CRASH, "reason", "npf_unhandled");
        assertThat(svmOf(r).vmcb().exitinfo1).isEqualTo(0x1_0000_0015L);
        assertThat(r.trace().render()).contains("p2m_pt_handle_deferred_changes gpa=0x1015000")
                .contains("SVM violation gpa 0x1015000, mfn 0x");
    }

    @Test
    @DisplayName("hvm.5.2.6 a write to a read-only grant is a discard-write type: emulated and dropped (not a crash)")
    void writeToGrantDropped() {
        for (DomainKind k : new DomainKind[] {DomainKind.HVM_SVM, DomainKind.HVM_VMX}) {
            ScenarioRunner.Run r = guest(k).mem("grant", 0, 0x99).run(step(write(GRANT_VA, 1)), step(read(GRANT_VA)));
            Expect.step(r, 0, OutcomeClass.EMULATED, "fixup", "hap_discard_write");
            Expect.step(r, 1, OutcomeClass.OK, "value", "0x99");
        }
    }

    @Test
    @DisplayName("hvm.5.1 VMX EPT violation qualifications: read of a hole 0x181 (r--/---), write 0x182 (-w-/---), "
            + "fetch from an r-- grant 0x18c (--x/r--); GLA valid with the guest-linear address")
    void vmxQualifications() {
        ScenarioRunner.Run rd = guest(DomainKind.HVM_VMX).run(step(read(HOLE_VA)));
        assertThat(rd.trace().render()).contains("EPT violation 0x181 (r--/---) gpa 0x3000000");
        assertThat(vmxOf(rd).vmcs().guestLinearAddress).isEqualTo(HOLE_VA);
        ScenarioRunner.Run wr = guest(DomainKind.HVM_VMX).run(step(write(HOLE_VA + 8, 1)));
        assertThat(wr.trace().render()).contains("EPT violation 0x182 (-w-/---) gpa 0x3000008");
        ScenarioRunner.Run fx = guest(DomainKind.HVM_VMX).run(step(fetch(GRANT_VA)));
        Expect.step(fx, 0, OutcomeClass.DOMAIN_CRASH, "reason", "npf_unhandled");
        assertThat(fx.trace().render()).contains("EPT violation 0x18c (--x/r--) gpa 0x1015000");
    }

    @Test
    @DisplayName("hvm.5.1 VMX: a violation during the guest's page walk (A-bit write to a log-dirty table) has GLA "
            + "valid but not 'final' (bit 8 clear): 0xaa = w | entry r-x | GLA valid")
    void vmxWalkViolationIsNotFinal() {
        // The L1 of 0x400000 is gfn 0x1034 (ShPageFaultTest's layout); its PDE has A clear, so the walk writes it.
        ScenarioRunner.Run r = vmx().hap().map(DATA_VA, "data", USER_RW).p2m(0x1032, "ram_logdirty")
                .run(step(read(DATA_VA)));
        Expect.step(r, 0, OutcomeClass.FIXED, "fixup", "hap_logdirty");
        assertThat(r.trace().render()).contains("exit_reason=0x30 name=EXIT_REASON_EPT_VIOLATION")
                .contains("exit_qualification=0xaa");
    }

    @Test
    @DisplayName("hvm.5.1/1.3 a nested fault while the processor delivers the guest's own #PF (frame push onto a "
            + "log-dirty stack page): the exit carries the #PF as EXITINTINFO / IDT-vectoring info, Xen fixes the "
            + "p2m and re-queues it, the #PF is delivered with the CR2 the processor wrote")
    void nestedFaultDuringDelivery() {
        for (DomainKind k : new DomainKind[] {DomainKind.HVM_SVM, DomainKind.HVM_VMX}) {
            ScenarioRunner.Run r = of(k).hap().p2m(0x1020, "ram_logdirty").run(step(write(0x500000, 1)));
            Expect.step(r, 0, OutcomeClass.DELIVERED, "vector", "14", "error_code", "W|U", "cr2", "0x500000",
                    "frame.base", "0x20fd0");
            assertThat(r.trace().render()).contains(k == DomainKind.HVM_SVM ? "exit_int_info=0x680000b0e"
                    : "idt_vectoring_info=0x80000b0e");
        }
    }

    @Test
    @DisplayName("hvm.5.2.6 p2m_ioreq_server: reads run on the RAM, a write is emulated (no ioreq server here: "
            + "dropped); a write to populate-on-demand populates and retries")
    void ioreqServerAndPodWrite() {
        for (DomainKind k : new DomainKind[] {DomainKind.HVM_SVM, DomainKind.HVM_VMX}) {
            ScenarioRunner.Run r = of(k).hap().map(DATA_VA, "data", USER_RW).mem("data", 0, 0x31)
                    .p2m(0x1010, "ioreq_server").run(step(read(DATA_VA)), step(write(DATA_VA, 5)), step(read(DATA_VA)));
            Expect.step(r, 0, OutcomeClass.OK, "value", "0x31");
            Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "hap_discard_write");
            Expect.step(r, 2, OutcomeClass.OK, "value", "0x31");
            assertThat(r.trace().render()).contains("hvmemul_write gfn=0x1010 result=write_discarded");
            ScenarioRunner.Run pod = of(k).hap().map(DATA_VA, "data", USER_RW).p2m(0x1010, "populate_on_demand")
                    .run(step(write(DATA_VA, 9)), step(read(DATA_VA)));
            Expect.step(pod, 0, OutcomeClass.FIXED, "fixup", "hap_pod");
            Expect.step(pod, 1, OutcomeClass.OK, "value", "9");
        }
    }
}
