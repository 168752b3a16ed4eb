package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.XenProfile;
import xpf.sim.scenario.ScenarioRunner;

/**
 * The per-CPU path-flag bitmap {@code trace_shadow_path_flags} that TRC_SHADOW_FIXUP carries (xen-hvm-fault-path.md
 * §6: bit 0 SET_AD, 1 SET_A, 2 SHADOW_L1_GET_REF, enum {@code TRCE_SFLAG_*} in xen/arch/x86/mm/shadow/private.h,
 * 4.22): a demand write sets the guest's A and D (SET_AD), a demand read only A (SET_A); installing the shadow l1e
 * takes a reference (SHADOW_L1_GET_REF). xen-3.1 has no TRC_SHADOW records at all (added Sept 2008, 9a86ac1aa3).
 */
class ShadowPathFlagsTest {
    static final long SET_AD = 1L;
    static final long SET_A = 1L << 1;
    static final long GET_REF = 1L << 2;

    @Test
    @DisplayName("hvm.3.F21 TRC_SHADOW_FIXUP flags of a fixed demand read: SET_A and SHADOW_L1_GET_REF, not SET_AD")
    void readFixFlags() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", P | RW | US).run(step(read(DATA_VA)));
        Expect.step(r, 0, OutcomeClass.FIXED, "fixup", "shadow_fixup");
        long flags = ShadowFaultPathTest.fixupFlags(r, 0);
        assertThat(flags & (SET_AD | SET_A | GET_REF)).as("flags 0x%x", flags).isEqualTo(SET_A | GET_REF);
    }

    @Test
    @DisplayName("hvm.3.F21 TRC_SHADOW_FIXUP flags of a fixed demand write: SET_AD and SHADOW_L1_GET_REF, not SET_A")
    void writeFixFlags() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", P | RW | US).run(step(write(DATA_VA, 5)));
        Expect.step(r, 0, OutcomeClass.FIXED, "fixup", "shadow_fixup");
        long flags = ShadowFaultPathTest.fixupFlags(r, 0);
        assertThat(flags & (SET_AD | SET_A | GET_REF)).as("flags 0x%x", flags).isEqualTo(SET_AD | GET_REF);
    }

    @Test
    @DisplayName("hvm.3.4 xen-3.1's gnp fast path (F2) injects without any TRC_SHADOW record (3.1 has none)")
    void noShadowRecordsIn31() {
        ScenarioRunner.Run r = svm().xen(XenProfile.XEN_3_1).map(DATA_VA, "data", USER_RW)
                .run(step(read(DATA_VA)), step(write(DATA_VA + 0x1000, 1)));
        Expect.step(r, 1, OutcomeClass.INJECTED, "vector", "14", "cr2", "0x401000");
        assertThat(r.trace().eventsOfStep(1).toString()).contains("guest_not_present")
                .doesNotContain("TRC_SHADOW");
    }
}
