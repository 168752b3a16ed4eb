package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.PvFixture.NEWDATA;
import static xpf.sim.xen.pv.PvFixture.UP;
import static xpf.sim.xen.pv.PvFixture.VA_L1;
import static xpf.sim.xen.pv.PvFixture.e;
import static xpf.sim.xen.pv.PvFixture.read;
import static xpf.sim.xen.pv.PvFixture.write;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.XenProfile;
import xpf.sim.scenario.ScenarioRunner;

/** xen-pv-fault-path.md §8: where Xen 3.1 (the seed's era) and 4.22 differ on the #PF path. */
class ProfileDifferencesTest {

    @Test
    @DisplayName("pv.8.1 the 3.1 call flow reads like the seed mail: page_fault, do_page_fault, propagate_page_fault")
    void xen31FlowUsesItsOwnNames() {
        String t = PvFixture.pv64().profile(XenProfile.XEN_3_1).run(read(0x9000)).trace().render();
        assertThat(t).contains("CALL page_fault").contains("CALL do_page_fault").contains("CALL fixup_page_fault")
                .contains("CALL propagate_page_fault").contains("create_bounce_frame from=handle_exception")
                .doesNotContain("handle_PF");
        String m = PvFixture.pv64().run(read(0x9000)).trace().render();
        assertThat(m).contains("CALL entry_PF").contains("CALL handle_PF").contains("CALL pv_inject_page_fault")
                .contains("create_bounce_frame from=test_all_events");
    }

    @Test
    @DisplayName("pv.8 / pv.7 3.1 emitted no TRC_PV events; 4.22 emits TRC_PV_PAGE_FAULT (64-bit id 0x00201104)")
    void tracesOnlyInTheModernProfile() {
        ScenarioRunner.Run old = PvFixture.pv64().profile(XenProfile.XEN_3_1).run(read(0x9000),
                write(VA_L1 + 16, e(NEWDATA, UP)));
        assertThat(old.trace().render()).doesNotContain("XENTRACE");
        ScenarioRunner.Run now = PvFixture.pv64().run(read(0x9000));
        assertThat(now.trace().render()).contains(
                "XENTRACE TRC_PV_PAGE_FAULT id=0x00201104 d0=0x80001234 d1=0xffffffff d2=0x9000 d3=0x0 d4=0x0");
    }

    @Test
    @DisplayName("pv.8.3 ptwr works the same for a guest-kernel PTE write in both profiles")
    void ptwrInBothProfiles() {
        for (XenProfile p : XenProfile.values()) {
            assertThat(PvFixture.pv64().profile(p).last(write(VA_L1 + 16, e(NEWDATA, UP)))).isEmulated("ptwr");
        }
    }

    @Test
    @DisplayName("pv.8.7 bad bounce stack: 3.1 refused HYPERVISOR_VIRT_START itself, 4.22 only above it")
    void badStackBoundaryDiffers() {
        PvFixture f = PvFixture.pv64().user();
        f.kernelSp = PvLayout.HYPERVISOR_VIRT_START;
        assertThat(f.profile(XenProfile.XEN_3_1).last(read(0x9000))).isDomainCrash("bad_stack");
        // 4.22 lets it through; the first store (below, non-canonical) faults in Xen: crash via the extable.
        assertThat(f.profile(XenProfile.XEN_4_22).last(read(0x9000))).isDomainCrash("bounce_frame_fault");
    }

    @Test
    @DisplayName("pv.8.5 / XSA-286: 3.1 did not flush after an L2+ change; 4.22 does")
    void flushAfterUpperLevelChangeOnlyInModernXen() {
        String now = PvFixture.pv64().run(PvFixture.mmuUpdate(PvFixture.pteAddr(PvFixture.L2, 1), 0)).trace()
                .render();
        assertThat(now).contains("flush_tlb_mask domain=d1 why=do_mmu_update");
        String old = PvFixture.pv64().profile(XenProfile.XEN_3_1).run(PvFixture.mmuUpdate(PvFixture.pteAddr(
                PvFixture.L2, 1), 0)).trace().render();
        assertThat(old).contains("no TLB flush after the L2+ change (Xen 3.1)");
    }

    @Test
    @DisplayName("pv.8.1 both profiles forward an ordinary guest fault with the same frame")
    void forwardingIsTheSameShape() {
        var a = PvFixture.pv64().profile(XenProfile.XEN_3_1).last(read(0x9000));
        var b = PvFixture.pv64().last(read(0x9000));
        assertThat(a.fields()).isEqualTo(b.fields());
    }
}
