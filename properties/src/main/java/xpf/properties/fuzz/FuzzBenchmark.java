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
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.trace.Trace;

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

    /** How much of a try each phase measures: the three figures share the scope and the tries (seed 1, 0, 1, ...). */
    enum Phase { GENERATE, SIMULATE, CHECKED }

    @Override
    public List<BenchFigure> run(double seconds) {
        FuzzScope scope = FuzzScope.parse(null, null, List.of());
        Gen<Generated> gen = scope.gen();
        Oracles oracles = Oracles.available();
        double rate = rate(gen, oracles, Phase.CHECKED, seconds);
        double generateOnly = rate(gen, oracles, Phase.GENERATE, seconds);
        double simulateOnly = rate(gen, oracles, Phase.SIMULATE, seconds);
        return figures(rate, generateOnly, simulateOnly, scope, Runtime.getRuntime().availableProcessors());
    }

    static List<BenchFigure> figures(double rate, double generateOnly, double simulateOnly, FuzzScope scope,
            int cores) {
        String per = Measure.cpuTime() ? "CPU-second" : "second";
        return List.of(
                new BenchFigure("scenarios_per_s", rate * cores, "scenarios/s", 200_000,
                        "generated scenarios end to end (generate + simulate + reference + invariants), one-thread "
                                + "rate per " + per + " x " + cores + " cores; scope " + scope.describe()),
                new BenchFigure("scenarios_per_s_one_thread", rate, "scenarios/s", 0,
                        "the same, one thread"),
                // The two phase figures bound what any speed-up of the checks alone could give: with reference,
                // invariants and classification free, a try still costs generation plus the simulated run.
                new BenchFigure("scenarios_generate_only_per_s", generateOnly * cores, "scenarios/s", 0,
                        "the same tries, generation only (no simulation, no checks), x " + cores + " cores"),
                new BenchFigure("scenarios_simulate_only_per_s", simulateOnly * cores, "scenarios/s", 0,
                        "the same tries, generation + the simulator's run with its trace, no checks, x " + cores
                                + " cores"));
    }

    private static double rate(Gen<Generated> gen, Oracles oracles, Phase phase, double seconds) {
        long[] next = {0};
        return Measure.opsPerSecond(n -> {
            long steps = tries(gen, oracles, phase, next[0], n);
            next[0] += n;
            return steps;
        }, seconds);
    }

    /**
     * Runs tries {@code first .. first+n-1} of seed 1 up to {@code phase}.
     *
     * @return the steps the tries reached (generated steps for {@link Phase#GENERATE}), so the JIT cannot drop work
     */
    static long tries(Gen<Generated> gen, Oracles oracles, Phase phase, long first, long n) {
        Choices choices = new Choices(null);
        RandomSource random = new RandomSource();
        long steps = 0;
        for (long i = 0; i < n; i++) {
            choices.reset(random.reseed(Seeds.forTry(1, first + i)));
            try {
                Generated g = gen.generate(choices);
                steps += switch (phase) {
                    case GENERATE -> g.scenario().steps().size();
                    case SIMULATE -> {
                        Trace trace = new Trace();
                        ScenarioRunner.run(g.scenario(), trace);
                        yield trace.currentStep();
                    }
                    case CHECKED -> SuiteRun.run(g.scenario(), oracles, g.recheck()).steps();
                };
            } catch (Violation v) {
                steps++;
            } catch (RuntimeException e) {
                // a not-modelled stop or a refused scenario ends the try, as in the fuzzer
                steps += 2;
            }
        }
        return steps;
    }
}
