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
 */
class PvSuspectedDeviationsTest {

    @Test
    @DisplayName("pv.3.2: CMPXCHG whose compare fails completes (emulated, no store) even when its new PTE would be "
            + "refused; the simulator validates first and forwards the #PF")
    void cmpxchgValidatesBeforeCompare() {
        Path p = Path.of("src/test/resources/pv-reference/pv-ptwr-cmpxchg-compare-fails-invalid-new.yaml");
        List<PvDifferential.Compared> cs = PvDifferential.run(new PvOracle(), p, ScenarioLoader.load(p).scenario());
        assertThat(cs).hasSize(1);
        PvDifferential.Compared c = cs.get(0);
        assertThat(c.predicted().outcome()).isEqualTo(OutcomeClass.EMULATED);
        assertThat(c.predicted().reason()).contains("would be refused");
        assertThat(c.actual().outcomeClass()).as("simulator still deviates").isEqualTo(OutcomeClass.DELIVERED);
        assertThat(PvRandomDifferentialTest.SuspectedSimulatorDeviation.classify(c))
                .isEqualTo(PvRandomDifferentialTest.SuspectedSimulatorDeviation.CMPXCHG_VALIDATES_BEFORE_COMPARE);
    }
}
