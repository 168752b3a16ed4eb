package xpf.properties.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import xpf.sim.domain.NotModelled;
import xpf.sim.trace.Trace;

/**
 * A run the simulator ends with {@link NotModelled} is counted as a not-modelled step with the simulator's reason
 * (SuiteRun catches it before the generic ScenarioError, which would be a generator bug).
 */
class SuiteCheckerNotModelledTest {

    @Test
    void simulatorNotModelledCountsTheStepWithItsReason() {
        SuiteChecker c = new SuiteChecker(null, new Trace(), null);
        c.simulatorNotModelled(new NotModelled("steps[3]", "Xen would emulate the instruction at RIP 0x401000"));
        assertThat(c.notModelled()).isEqualTo(1);
        assertThat(c.modelled()).isZero();
        assertThat(c.labels()).contains("simulator: not modelled");
        assertThat(c.notModelledReasons())
                .containsEntry("simulator: Xen would emulate the instruction at RIP N", 1);
    }
}
