package xpf.properties.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import xpf.properties.check.Oracles;
import xpf.properties.gen.Generated;
import xpf.prop.Choices;
import xpf.prop.Gen;
import xpf.prop.choice.RandomSource;
import xpf.prop.choice.Seeds;
import xpf.sim.bench.BenchFigure;

/**
 * The fuzz benchmark's {@code --json} keys are a contract (issue #11 names {@code scenarios_per_s}; docs/performance.md
 * reads the two phase figures), and its three phases must time the same tries. Rates are not asserted here:
 * performance figures come from {@code ./xpf bench}, not from timed tests.
 */
class FuzzBenchmarkTest {

    private final FuzzScope scope = FuzzScope.parse(null, null, List.of());

    @Test
    void reportsTheEndToEndFigureWithItsGoalAndTheTwoPhaseFiguresTimesTheCores() {
        List<BenchFigure> figures = FuzzBenchmark.figures(100, 3000, 500, scope, 2);
        assertThat(figures).extracting(BenchFigure::key).containsExactly("scenarios_per_s",
                "scenarios_per_s_one_thread", "scenarios_generate_only_per_s", "scenarios_simulate_only_per_s");
        assertThat(figures).extracting(BenchFigure::value).containsExactly(200.0, 100.0, 6000.0, 1000.0);
        assertThat(figures.get(0).goal()).isEqualTo(200_000);
        assertThat(figures.get(0).meetsGoal()).isFalse();
        assertThat(figures.get(0).note()).contains("scope bare+hvm-shadow+hvm-hap+pv");
    }

    @Test
    void everyPhaseRunsTheSameGeneratedTries() {
        Gen<Generated> gen = scope.gen();
        Oracles oracles = Oracles.available();
        long generated = 0;
        for (long t = 40; t < 70; t++) {
            generated += gen.generate(new Choices(new RandomSource().reseed(Seeds.forTry(1, t)))).scenario().steps()
                    .size();
        }
        assertThat(FuzzBenchmark.tries(gen, oracles, FuzzBenchmark.Phase.GENERATE, 40, 30)).isEqualTo(generated);
        assertThat(FuzzBenchmark.tries(gen, oracles, FuzzBenchmark.Phase.SIMULATE, 40, 30)).isPositive();
        assertThat(FuzzBenchmark.tries(gen, oracles, FuzzBenchmark.Phase.CHECKED, 40, 30)).isPositive();
    }
}
