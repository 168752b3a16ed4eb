package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.OutcomeClass;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.xen.XenSymbols;

/**
 * Small facts of the HVM path's data types: the X86_ET_* event types (asm/x86-defns.h; xen-hvm-fault-path.md §1.2),
 * the version profile's re-queue choice per vendor (§2.5), the symbol registration behind {@code xpf explain}, and
 * the {@code paging_fault} record's paging mode.
 */
class HvmProfileAndTypesTest {

    @Test
    @DisplayName("hvm §1.2 X86_ET_*: type field values 0, 2-7 decode to their type; the reserved value 1 is OTHER")
    void eventTypeDecoding() {
        assertThat(EventType.of(0)).isEqualTo(EventType.EXT_INTR);
        assertThat(EventType.of(2)).isEqualTo(EventType.NMI);
        assertThat(EventType.of(3)).isEqualTo(EventType.HW_EXC);
        assertThat(EventType.of(6)).isEqualTo(EventType.SW_EXC);
        assertThat(EventType.of(1)).as("reserved type 1").isEqualTo(EventType.OTHER);
        assertThat(EventType.HW_EXC.wireName()).isEqualTo("hw_exc");
        assertThat(EventType.fromWire("nmi")).isEqualTo(EventType.NMI);
    }

    @Test
    @DisplayName("hvm §2.5 re-queue of an interrupted event: 3.1 SVM in svm_intr_assist (external interrupts only), 3.1 "
            + "VMX in vmx_intr_assist unless Xen injected; 4.22 both in the exit handler (hvm_event_needs_reinjection)")
    void requeuePerVendor() {
        assertThat(HvmProfile.XEN_3_1.requeue(true)).isEqualTo(HvmProfile.Requeue.INTR_ASSIST_EXT_INTR_ONLY);
        assertThat(HvmProfile.XEN_3_1.requeue(false)).isEqualTo(HvmProfile.Requeue.INTR_ASSIST_UNLESS_INJECTED);
        assertThat(HvmProfile.XEN_4_22.requeue(true)).isEqualTo(HvmProfile.Requeue.EXIT_HANDLER_NEEDS_REINJECTION);
        assertThat(HvmProfile.XEN_4_22.requeue(false)).isEqualTo(HvmProfile.Requeue.EXIT_HANDLER_NEEDS_REINJECTION);
    }

    @Test
    @DisplayName("xpf explain: the HVM path registers its decision points' classes (exit handlers, sh_page_fault, "
            + "guest_walk_tables, p2m), so their CALLs show the Xen file")
    void hvmSymbolsRegistered() {
        assertThat(new HvmSymbols().classes()).contains(HvmDomain.class, HvmPaging.class, HapNestedFault.class,
                xpf.sim.xen.hvm.svm.Svm.class, xpf.sim.xen.hvm.vmx.Vmx.class,
                xpf.sim.xen.mm.shadow.ShadowPaging.class, xpf.sim.xen.mm.walk.GuestWalker.class,
                xpf.sim.xen.mm.p2m.P2m.class);
        assertThat(XenSymbols.lookup("sh_page_fault").orElseThrow().file())
                .isEqualTo("xen/arch/x86/mm/shadow/multi.c");
        assertThat(XenSymbols.lookup("svm_do_nested_pgfault").orElseThrow().file())
                .isEqualTo("xen/arch/x86/hvm/svm/svm.c");
    }

    @Test
    @DisplayName("hvm.3 paging_fault records the paging mode it dispatches on: a shadow guest's #PF goes to "
            + "sh_page_fault (mode=shadow)")
    void pagingFaultRecordsMode() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", USER_RW).run(step(read(DATA_VA)));
        Expect.step(r, 0, OutcomeClass.FIXED);
        assertThat(r.trace().render()).contains("CALL paging_fault va=0x400000").contains("mode=shadow")
                .doesNotContain("mode=hap");
    }
}
