package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.ControlFlag;
import xpf.model.scenario.OutcomeClass;
import xpf.sim.scenario.ScenarioRunner;

/**
 * The shadow emulator's translations go through the vTLB first ({@code emulate_gva_to_mfn} → {@code sh_gva_to_gfn}
 * → {@code vtlb_lookup}, xen/arch/x86/mm/shadow/hvm.c and multi.c, 4.22): an entry inserted by the fault's own walk
 * (F10, pfec = the fault's error code | P) serves any lookup whose pfec bits it contains ("any successful walk that
 * had at least these pfec bits is OK") without a new rights check. Only a miss walks the guest tables again, and
 * that walk is a supervisor walk (P|W), subject to SMAP (guest_walk_tables, x86-paging.md §SMAP).
 */
class ShadowVtlbRightsTest {

    @Test
    @DisplayName("hvm.3.F19 a user write to a ram_ro user page with CR4.SMAP: the emulator's translation is the "
            + "fault's vTLB entry (W|U|P ⊇ P|W), so no SMAP check: the write is discarded, no #PF")
    void userWriteToRamRoUnderSmap() {
        ScenarioRunner.Run r = svm().controls(ControlFlag.WP, ControlFlag.NXE, ControlFlag.SMAP)
                .map(DATA_VA, "data", USER_RW).mem("data", 0, 0x1111).p2m(0x1010, "ram_ro")
                .run(step(write(DATA_VA, 0x55)), step(read(DATA_VA)));
        Expect.step(r, 0, OutcomeClass.EMULATED, "fixup", "ro_discard");
        Expect.step(r, 1, OutcomeClass.OK, "value", "0x1111");
        assertThat(r.trace().eventsOfStep(0).toString()).doesNotContain("hvm_inject");
    }
}
