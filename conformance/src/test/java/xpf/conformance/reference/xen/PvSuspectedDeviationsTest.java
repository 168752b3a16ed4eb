package xpf.conformance.reference.xen;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.OutcomeClass;
import xpf.sim.scenario.load.ScenarioLoader;

/**
 * The disagreements between the PV reference model and the simulator that were investigated and attributed to the
 * simulator (docs/reference-model-pv.md "Disagreements"), each pinned by a minimal scenario: the reference gives the
 * outcome the reference text asks for, the simulator still gives another. When the simulator is fixed this test
 * fails: remove the case here and its signature in {@link PvRandomDifferentialTest}.
 *
 * <p>Verdict (ref-fix, against Xen source): the reference model is right and the simulator deviates. The sim-fix
 * round read {@code ptwr_emulated_update} (xen/arch/x86/pv/ro-page-fault.c, HEAD c447b73), which does validate the
 * new PTE ({@code get_page_from_l1e}) before {@code paging_cmpxchg_guest_entry} compares; but that function is only
 * reached through {@code ops->cmpxchg}, and x86_emulate's CMPXCHG (x86_emulate.c, HEAD c447b73 and tag
 * 3.1.0-branched alike) first compares rAX with the destination it read through {@code ops->read}
 * ({@code ptwr_emulated_read}, the current PTE) and calls {@code ops->cmpxchg} only when they are equal; a failed
 * compare loads rAX and returns OKAY with nothing validated. The validate-then-compare order of ro-page-fault.c
 * concerns the second compare (a concurrent change, §3.4 CMPXCHG_FAILED), which the oracle already runs after
 * validation ({@code Ptwr.update}). The simulator's emulator passes CMPXCHG straight to {@code ops->cmpxchg}, so it
 * validates first. Kept pinned until the simulator is fixed.
 */
class PvSuspectedDeviationsTest {

    @Test
    @DisplayName("pv.3.2: CMPXCHG whose compare fails and whose new PTE would be refused: the reference completes it, "
            + "the simulator validates first and forwards the #PF; x86_emulate compares before ops->cmpxchg: simulator "
            + "suspected")
    void cmpxchgValidatesBeforeCompare() {
        Path p = Path.of("src/test/resources/pv-reference/pv-ptwr-cmpxchg-compare-fails-invalid-new.yaml");
        List<PvDifferential.Compared> cs = PvDifferential.run(new PvOracle(), p, ScenarioLoader.load(p).scenario());
        assertThat(cs).hasSize(1);
        PvDifferential.Compared c = cs.get(0);
        assertThat(c.predicted().outcome()).isEqualTo(OutcomeClass.EMULATED);
        assertThat(c.predicted().reason()).contains("would be refused");
        assertThat(c.actual().outcomeClass()).as("simulator validates before the compare (x86_emulate does not)")
                .isEqualTo(OutcomeClass.DELIVERED);
        assertThat(PvRandomDifferentialTest.SuspectedSimulatorDeviation.classify(c))
                .isEqualTo(PvRandomDifferentialTest.SuspectedSimulatorDeviation.CMPXCHG_VALIDATES_BEFORE_COMPARE);
    }
}
