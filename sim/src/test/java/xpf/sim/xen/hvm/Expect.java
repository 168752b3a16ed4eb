package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import xpf.model.scenario.Expectation;
import xpf.model.scenario.Outcome;
import xpf.model.scenario.OutcomeClass;
import xpf.sim.scenario.ExpectationMatcher;
import xpf.sim.scenario.ScenarioRunner;

/**
 * Checks an outcome the way a scenario file's {@code expect} does (class plus any subset of its fields, normalised),
 * so the tests read like the corpus and fail with the matcher's field-by-field message.
 */
final class Expect {
    private Expect() {
    }

    static Expectation of(OutcomeClass c, String... kv) {
        LinkedHashMap<String, String> f = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            f.put(kv[i], kv[i + 1]);
        }
        return new Expectation(c, f);
    }

    static void outcome(Outcome o, OutcomeClass c, String... kv) {
        assertThat(ExpectationMatcher.differences(of(c, kv), o)).as(o.summary()).isEmpty();
    }

    static void step(ScenarioRunner.Run r, int i, OutcomeClass c, String... kv) {
        Outcome o = r.steps().get(i).outcome();
        assertThat(ExpectationMatcher.differences(of(c, kv), o)).as("step " + i + ": " + o.summary() + "\n"
                + r.trace().render()).isEmpty();
    }
}
