package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;
import static xpf.sim.xen.hvm.ShPageFaultTest.*;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.Outcome;
import xpf.model.scenario.OutcomeClass;
import xpf.sim.scenario.ScenarioRunner;

/**
 * What a step emulated by {@code sh_page_fault} reports (xen-hvm-fault-path.md §3 E12, multi.c 4.22): a write the
 * emulator performed on a shadowed page table is "emulated" with its fixup and no value (a write produces none; only
 * an emulated read returns the value read to the guest).
 */
class ShadowEmulateOutcomeTest {

    @Test
    @DisplayName("hvm.3.E12 an emulated PT write's outcome: emulated, fixup pt_write, no value field; the write landed")
    void emulatedWriteHasNoValue() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).cpl(0).run(step(read(DATA_VA)), step(write(PT_VA + 0x10, 0x77)));
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "pt_write");
        Outcome o = r.steps().get(1).outcome();
        assertThat(o.fields()).as(o.summary()).doesNotContainKey("value");
        HvmDomain d = dom(r);
        assertThat(d.machineMemory().readWord((mfnOf(d, L1_OF_DATA) << 12) + 0x10)).isEqualTo(0x77L);
    }

    @Test
    @DisplayName("hvm.3.F20 a supervisor write through a read-only PTE with CR0.WP=0 is emulated: no value field")
    void wp0WriteHasNoValue() {
        ScenarioRunner.Run r = svm().cpl(0).controls(xpf.model.scenario.ControlFlag.NXE)
                .map(DATA_VA, "data", P | US | A | D).run(step(read(DATA_VA)), step(write(DATA_VA, 5)));
        Outcome o = r.steps().get(1).outcome();
        assertThat(o.outcomeClass()).as(o.summary()).isEqualTo(OutcomeClass.EMULATED);
        assertThat(o.fields()).as(o.summary()).doesNotContainKey("value");
    }
}
