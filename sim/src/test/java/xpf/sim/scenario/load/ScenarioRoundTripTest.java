package xpf.sim.scenario.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.Hypercall;
import xpf.model.scenario.HypercallOp;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.Scenario;
import xpf.model.scenario.Step;

/**
 * Property: for every scenario the loader could produce, {@code load(write(s))} equals {@code s} (step lines aside),
 * writing is idempotent, and what the writer produces conforms to the JSON Schema. Seeds are fixed, so a failure
 * names the seed that reproduces it.
 */
class ScenarioRoundTripTest {
    static final int TRIES = Integer.getInteger("roundtrip.tries", 400);

    static Scenario withoutLines(Scenario s) {
        List<Step> steps = new ArrayList<>();
        for (Step st : s.steps()) {
            steps.add(new Step(st.domain(), st.vcpu(), st.op(), st.knobs(), st.expect(), st.note(), 0));
        }
        return s.withSteps(steps);
    }

    @Test
    void loadOfWriteIsTheIdentity() throws Exception {
        ScenarioSchemaTest.loadSchema();
        Set<String> ops = new HashSet<>();
        Set<String> calls = new HashSet<>();
        Set<OutcomeClass> outcomes = new HashSet<>();
        for (int seed = 0; seed < TRIES; seed++) {
            Scenario s = new ScenarioGen(seed).scenario();
            String yaml = ScenarioWriter.write(s, List.of("round trip, seed " + seed));
            Scenario back;
            try {
                back = ScenarioLoader.load("seed-" + seed + ".yaml", yaml).scenario();
            } catch (ScenarioLoadException e) {
                throw new AssertionError("seed " + seed + ": the writer wrote a file the loader rejects: "
                        + e.getMessage() + "\n" + yaml, e);
            }
            assertThat(withoutLines(back)).as("seed %d:\n%s", seed, yaml).isEqualTo(s);
            assertThat(ScenarioWriter.write(back, List.of("round trip, seed " + seed))).as("seed %d", seed)
                    .isEqualTo(yaml);
            if (seed % 20 == 0) {
                assertThat(ScenarioSchemaTest.validate("seed-" + seed + ".yaml", yaml)).as("seed %d:\n%s", seed, yaml)
                        .isEmpty();
            }
            for (Step st : s.steps()) {
                ops.add(st.op().opName());
                if (st.op() instanceof Hypercall h) {
                    collect(h.call(), calls);
                }
                if (st.expect() != null) {
                    outcomes.add(st.expect().outcome());
                }
            }
        }
        // the generator really covered the format
        assertThat(ops).containsExactlyInAnyOrder("access", "hypercall", "cr_write", "invlpg", "host_write");
        assertThat(calls).containsExactlyInAnyOrder("mmu_update", "update_va_mapping", "mmuext_op",
                "set_trap_table", "vm_assist", "iret", "multicall");
        assertThat(outcomes).containsExactlyInAnyOrder(OutcomeClass.values());
    }

    private static void collect(HypercallOp op, Set<String> names) {
        names.add(op.hypercallName());
        if (op instanceof HypercallOp.Multicall m) {
            m.calls().forEach(c -> collect(c, names));
        }
    }

    @Test
    void theExamplesRoundTripThroughTheWriter() throws Exception {
        for (java.nio.file.Path p : xpf.sim.scenario.cli.ScenarioFiles.expand(
                List.of(ScenarioSchemaTest.root().resolve("conformance/scenarios/examples").toString()), "test")) {
            Scenario s = ScenarioLoader.load(p).scenario();
            Scenario back = ScenarioLoader.load("back.yaml", ScenarioWriter.write(s)).scenario();
            assertThat(withoutLines(back)).as(p.toString()).isEqualTo(withoutLines(s));
        }
    }
}
