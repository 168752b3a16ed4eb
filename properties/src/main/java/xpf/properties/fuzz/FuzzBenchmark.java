package xpf.properties.fuzz;

import java.util.List;
import xpf.properties.SuiteRun;
import xpf.properties.check.Oracles;
import xpf.properties.check.Violation;
import xpf.properties.gen.Generated;
import xpf.prop.Choices;
import xpf.prop.Gen;
import xpf.prop.choice.RandomSource;
import xpf.prop.choice.Seeds;
import xpf.sim.bench.BenchFigure;
import xpf.sim.bench.Benchmark;
import xpf.sim.bench.Measure;

/**
 * {@code scenarios_per_s}: generated fault scenarios end to end, as the fuzzer runs them (generate with the suite's
 * generators, simulate every step, reference model and invariants after each step), over the fuzzer's default scope.
 * Failing tries count like passing ones (nothing is shrunk: shrinking is per unique failure, not per try). The
 * one-thread rate times the cores is the figure held against the goal "on 2 cores" (tries share nothing;
 * shards scale across processes); the one-thread rate is reported too.
 */
public final class FuzzBenchmark implements Benchmark {

    @Override
    public String name() {
        return "fuzz";
    }

    @Override
    public List<BenchFigure> run(double seconds) {
        FuzzScope scope = FuzzScope.parse(null, null, List.of());
        Gen<Generated> gen = scope.gen();
        Oracles oracles = Oracles.available();
        Choices choices = new Choices(null);
        RandomSource random = new RandomSource();
        long[] next = {0};
        double rate = Measure.opsPerSecond(n -> {
            long steps = 0;
            for (long i = 0; i < n; i++) {
                choices.reset(random.reseed(Seeds.forTry(1, next[0]++)));
                try {
                    Generated g = gen.generate(choices);
                    steps += SuiteRun.run(g.scenario(), oracles, g.recheck()).steps();
                } catch (Violation v) {
                    steps++;
                } catch (RuntimeException e) {
                    steps += 2;
                }
            }
            return steps;
        }, seconds);
        int cores = Runtime.getRuntime().availableProcessors();
        String per = Measure.cpuTime() ? "CPU-second" : "second";
        return List.of(
                new BenchFigure("scenarios_per_s", rate * cores, "scenarios/s", 200_000,
                        "generated scenarios end to end (generate + simulate + reference + invariants), one-thread "
                                + "rate per " + per + " x " + cores + " cores; scope " + scope.describe()),
                new BenchFigure("scenarios_per_s_one_thread", rate, "scenarios/s", 0,
                        "the same, one thread"));
    }
}
