package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static xpf.sim.xen.hvm.HvmFixture.*;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.XenProfile;
import xpf.sim.domain.NotModelled;
import xpf.sim.scenario.ScenarioRunner;

/**
 * An event delivery whose own access (IDT gate read, frame push) hits an emulated-MMIO page under shadow paging
 * (property finding npe-event-delivery-through-mmio-page). Xen's MMIO exits from {@code sh_page_fault} (F2b', F18)
 * call {@code handle_mmio_with_translation} without looking at {@code hvm_event_pending}; {@code hvm_emulate_one}
 * decodes the instruction at RIP. The model emulates the step's instruction while it has not retired, and ends the
 * run with {@link NotModelled} where the instruction at RIP is not described (or, in 3.1, where
 * {@code handle_mmio(gpa)} would perform it against the delivery's gpa). It used to throw a NullPointerException.
 */
class DeliveryThroughMmioTest {

    static final long MMIO_VA = 0x700000;
    static final long MMIO_GFN = 0x2000;
    static final long STACK_GFN = 0x2001;
    static final long IDT_GFN = 0x2002;

    /** The kernel stack (rsp0) maps an MMIO gfn; a read-only user MMIO page at 0x700000; #DF on IST1 (RAM). */
    static HvmFixture mmioStack(DomainKind k, XenProfile p) {
        return of(k).xen(p).noStackMapping().dfIst().mapGfn(STACK_VA, STACK_GFN, KERNEL_RW)
                .mapGfn(MMIO_VA, MMIO_GFN, P | US | A | D).device("dev0", "regs", MMIO_GFN, 0, 0x1234)
                .device("kstack", "regs", STACK_GFN);
    }

    static String eventField(DomainKind k) {
        return k == DomainKind.HVM_SVM ? "event.eventinj" : "event.entry_intr_info";
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.3.F2b-mmio the emulator's #PF is pushed onto an MMIO stack: Xen emulates the instruction at RIP "
            + "again, #PF on #PF ⇒ #DF(0) on IST1, CR2 the emulator's")
    void framePushOnMmioStackIsDoubleFault(DomainKind k) {
        ScenarioRunner.Run r = mmioStack(k, XenProfile.XEN_4_22).run(step(access(MMIO_VA,
                xpf.model.x86.AccessKind.READ, 3, false)), step(write(MMIO_VA, 0xbeef)));
        Expect.step(r, 0, OutcomeClass.EMULATED, "fixup", "mmio");
        Expect.step(r, 1, OutcomeClass.DOUBLE_FAULT, "vector", "8", "error_code", "0", "cr2", "0x700000",
                eventField(k), "0x80000b08", "delivery.vector", "8", "delivery.frame.base", "0x30fd0",
                "delivery.frame.rip", "0x401000");
        String trace = r.trace().render();
        assertThat(trace).contains("handle_mmio_with_translation va=0x20ff8 gfn=0x2001")
                .contains("hvm_emulate_one decodes the instruction at RIP")
                .contains("hvm_combine_hw_exceptions vec1=14 vec2=14 result=8")
                .contains("fixup=mmio_emulator_fault");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.3.F18 the IDT page is MMIO: every gate read exits to the emulator, which faults the instruction "
            + "at RIP again: #PF, #DF, then a triple fault (reboot)")
    void gateReadOnMmioIdtTripleFaults(DomainKind k) {
        ScenarioRunner.Run r = of(k).noIdtMapping().mapGfn(IDT_VA, IDT_GFN, KERNEL_RW).device("idt", "regs", IDT_GFN)
                .run(step(read(IDT_VA)));
        Expect.step(r, 0, OutcomeClass.TRIPLE_FAULT, "shutdown", "reboot", "cause", "fault while delivering #DF");
        assertThat(r.trace().render()).contains("hvm_combine_hw_exceptions vec1=14 vec2=14 result=8")
                .contains("hvm_combine_hw_exceptions vec1=8 vec2=14 result=8");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.3.4 xen-3.1: handle_mmio(gpa) would perform the instruction at RIP against the delivery's gpa: "
            + "not modelled, no exception from inside the model")
    void xen31IsNotModelled(DomainKind k) {
        HvmFixture f = mmioStack(k, XenProfile.XEN_3_1).noIdtMapping().mapGfn(IDT_VA, IDT_GFN, KERNEL_RW)
                .device("idt", "regs", IDT_GFN);
        assertThatThrownBy(() -> f.run(step(read(IDT_VA)))).isInstanceOf(NotModelled.class)
                .hasMessageContaining("steps[0]: not modelled: an event delivery's access to MMIO gfn 0x2002")
                .hasMessageContaining("xen-3.1");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.1.3 the step's MMIO read retired, the re-queued interrupt's gate read is MMIO: the "
            + "instruction at RIP is not described ⇒ not modelled")
    void retiredInstructionIsNotModelled(DomainKind k) {
        HvmFixture f = of(k).gate(0x30).noIdtMapping().mapGfn(IDT_VA, IDT_GFN, KERNEL_RW).device("idt", "regs", IDT_GFN)
                .mapGfn(MMIO_VA, MMIO_GFN, USER_RW).device("dev0", "regs", MMIO_GFN, 0, 0x1234);
        assertThatThrownBy(() -> f.run(step(read(MMIO_VA), pendingEvent(0x30, "ext_intr", null))))
                .isInstanceOf(NotModelled.class)
                .hasMessageContaining("not modelled: an event delivery's access to MMIO gfn 0x2002 (va 0x10300)")
                .hasMessageContaining("follows the step's retired instruction");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.3.F2b-mmio S11: the step is a user fetch from an NX MMIO page; re-emulated at RIP for the "
            + "delivery's MMIO stack exit, its instruction fetch faults (hvmemul_insn_fetch): #DF, CR2 the fetch's")
    void insnFetchFaultOfReEmulationWritesItsCr2(DomainKind k) {
        ScenarioRunner.Run r = of(k).noStackMapping().dfIst().mapGfn(STACK_VA, STACK_GFN, KERNEL_RW)
                .mapGfn(MMIO_VA, MMIO_GFN, P | US | A | D | NX).device("dev0", "regs", MMIO_GFN, 0, 0x1234)
                .device("kstack", "regs", STACK_GFN)
                .run(step(access(MMIO_VA, xpf.model.x86.AccessKind.FETCH, 3, false)));
        Expect.step(r, 0, OutcomeClass.DOUBLE_FAULT, "vector", "8", "error_code", "0", "cr2", "0x700000",
                eventField(k), "0x80000b08", "delivery.vector", "8", "delivery.frame.base", "0x30fd0");
        String trace = r.trace().render();
        assertThat(trace).contains("handle_mmio_with_translation va=0x20ff8 gfn=0x2001")
                .contains("hvmemul_insn_fetch va=0x700000 result=EXCEPTION pfec=21")
                .contains("hvm_combine_hw_exceptions vec1=14 vec2=14 result=8");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.3.F16 S12: sh_prefetch stops at a writable guest l1e without D (another fault needed for D), "
            + "so the MMIO stack page gets no magic entry and the frame push exits not-present (W), not P|W|RSVD")
    void prefetchStopsAtWritableNotDirtyEntry(DomainKind k) {
        ScenarioRunner.Run r = of(k).noStackMapping().dfIst().mapGfn(STACK_VA, STACK_GFN, P | RW | A)
                .mapGfn(MMIO_VA, MMIO_GFN, P | US | A | D).device("dev0", "regs", MMIO_GFN, 0, 0x1234)
                .device("kstack", "regs", STACK_GFN)
                .run(step(access(MMIO_VA, xpf.model.x86.AccessKind.READ, 3, false)), step(write(0x710000, 0xed)));
        String ec = k == DomainKind.HVM_SVM ? "event.exitinfo1" : "event.exit_intr_error_code";
        String va = k == DomainKind.HVM_SVM ? "event.exitinfo2" : "event.exit_qualification";
        Expect.step(r, 1, OutcomeClass.DOUBLE_FAULT, "vector", "8", "cr2", "0x710000", ec, "0x2", va, "0x20ff8");
        assertThat(r.trace().render()).doesNotContain("fast_path: mmio");
    }
}
