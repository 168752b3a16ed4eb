package xpf.sim.xen.pv;

import static xpf.sim.xen.pv.PvFixture.COW;
import static xpf.sim.xen.pv.PvFixture.FOREIGN;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.L2;
import static xpf.sim.xen.pv.PvFixture.NEWDATA;
import static xpf.sim.xen.pv.PvFixture.P;
import static xpf.sim.xen.pv.PvFixture.UP;
import static xpf.sim.xen.pv.PvFixture.US;
import static xpf.sim.xen.pv.PvFixture.A;
import static xpf.sim.xen.pv.PvFixture.VA_COW;
import static xpf.sim.xen.pv.PvFixture.VA_L1;
import static xpf.sim.xen.pv.PvFixture.VA_L2;
import static xpf.sim.xen.pv.PvFixture.e;
import static xpf.sim.xen.pv.PvFixture.frame;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.read;
import static xpf.sim.xen.pv.PvFixture.word;
import static xpf.sim.xen.pv.PvFixture.write;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.x86.PfErrorCode;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.xen.mm.PageType;

/** The six worked examples of xen-pv-fault-path.md §2.8 (64-bit PV, no shadow, writable_pagetables on). */
class WorkedExamplesTest {

    @Test
    @DisplayName("pv.2.8.1 guest kernel write of a valid PTE to its own read-only L1 is emulated silently")
    void guestKernelWriteToOwnL1IsEmulatedSilently() {
        ScenarioRunner.Run r = PvFixture.pv64().run(write(VA_L1 + 2 * 8, e(NEWDATA, UP)));
        assertThat(outcome(r, 0)).isEmulated("ptwr");
        // Stored with adjust_guest_l1e applied (a user leaf gets G|US); the write holds a general + writable ref.
        org.assertj.core.api.Assertions.assertThat(word(r, (L1 << 12) + 16)).isEqualTo(e(NEWDATA, UP | 0x100));
        assertThat(frame(r, NEWDATA)).hasCount(1).hasType(PageType.WRITABLE, 1);
        org.assertj.core.api.Assertions.assertThat(r.trace().render()).contains("TRC_PV_PTWR_EMULATION")
                .doesNotContain("TRC_PV_PAGE_FAULT");
    }

    @Test
    @DisplayName("pv.2.8.2 writable mapping of an own L2 through ptwr is refused: #PF P|W (U cleared for the kernel)")
    void writableMappingOfOwnL2IsRefusedAndForwarded() {
        ScenarioRunner.Run r = PvFixture.pv64().run(write(VA_L1 + 2 * 8, e(L2, UP)));
        assertThat(outcome(r, 0)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, VA_L1 + 16);
        assertThat(frame(r, L2)).hasType(PageType.L2_PAGE_TABLE, 1);
        org.assertj.core.api.Assertions.assertThat(word(r, (L1 << 12) + 16)).isZero();
    }

    @Test
    @DisplayName("pv.2.8.2 a read-only mapping of an own L2 through ptwr is accepted (general reference only)")
    void readOnlyMappingOfOwnL2IsAccepted() {
        ScenarioRunner.Run r = PvFixture.pv64().run(write(VA_L1 + 2 * 8, e(L2, P | US | A)));
        assertThat(outcome(r, 0)).isEmulated("ptwr");
        assertThat(frame(r, L2)).hasType(PageType.L2_PAGE_TABLE, 1);
    }

    @Test
    @DisplayName("pv.2.8.3 mapping another domain's frame through ptwr is refused (-EBUSY): #PF forwarded")
    void foreignFrameThroughPtwrIsForwarded() {
        ScenarioRunner.Run r = PvFixture.pv64().run(write(VA_L1 + 2 * 8, e(FOREIGN, UP)));
        assertThat(outcome(r, 0)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, VA_L1 + 16);
        org.assertj.core.api.Assertions.assertThat(r.trace().render()).contains("-EBUSY");
    }

    @Test
    @DisplayName("pv.2.8.4 user read of an unmapped address: toggled to kernel, frame at kernel_sp, ec U, user CS")
    void userReadOfUnmappedAddressBouncesOnKernelStack() {
        ScenarioRunner.Run r = PvFixture.pv64().user().run(read(0x9000));
        assertThat(outcome(r, 0)).isDeliveredPageFault(PfErrorCode.U, 0x9000)
                .hasFrameSlot("base", 0x7000).hasFrameSlot("cs", 0xe033).hasFrameSlot("rsp", 0x6800);
        org.assertj.core.api.Assertions.assertThat(PvFixture.view(r).vcpus().get(0).kernelMode()).isTrue();
    }

    @Test
    @DisplayName("pv.2.8.5 kernel write to a read-only page that is not a page table (CoW): forwarded P|W")
    void kernelWriteToReadOnlyDataPageIsForwarded() {
        ScenarioRunner.Run r = PvFixture.pv64().run(write(VA_COW, 1));
        assertThat(outcome(r, 0)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, VA_COW);
        org.assertj.core.api.Assertions.assertThat(r.trace().render()).contains("not a validated L1");
        org.assertj.core.api.Assertions.assertThat(word(r, COW << 12)).isZero();
    }

    @Test
    @DisplayName("pv.2.8.6 kernel write to its read-only L2: never emulated (L1 only), forwarded P|W")
    void kernelWriteToOwnL2IsForwarded() {
        ScenarioRunner.Run r = PvFixture.pv64().run(write(VA_L2 + 8, e(L1, UP)));
        assertThat(outcome(r, 0)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, VA_L2 + 8);
        assertThat(frame(r, L1)).hasType(PageType.L1_PAGE_TABLE, 1);
    }
}
