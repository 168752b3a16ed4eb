package xpf.properties.bench;

import java.util.List;
import xpf.prop.PropertyRunner;
import xpf.prop.Settings;
import xpf.prop.bench.EngineBench;
import xpf.sim.bench.BenchFigure;
import xpf.sim.bench.Benchmark;
import xpf.sim.bench.Measure;

/**
 * The property engine's figures for {@code xpf bench}: tries per second of the 20-field record property (issue
 * "Property engine": jqwik did about 55 k here, the goal is 110 k per core) and the time to shrink the planted
 * stateful bug. An adapter, because the engine itself ({@code xpf.prop}) knows nothing of the simulator's CLI.
 */
public final class EngineBenchmark implements Benchmark {

    @Override
    public String name() {
        return "engine";
    }

    @Override
    public List<BenchFigure> run(double seconds) {
        var property = EngineBench.record20Property();
        long[] seed = {0};
        double rate = Measure.opsPerSecond(n -> PropertyRunner.run("bench#record20", property,
                Settings.withSeed(seed[0]++).tries((int) Math.min(Integer.MAX_VALUE, n))).triesRun(), seconds);
        EngineBench.ShrinkTiming shrink = EngineBench.plantedStatefulBugShrink(1, 5);
        return List.of(
                new BenchFigure("tries_per_s", rate, "tries/s", 110_000,
                        "20-field record property, one thread (jqwik: ~55 k here)"),
                new BenchFigure("stateful_shrink_us", shrink.nanos() / 1e3, "us", 0,
                        "shrinking the planted 3-step stateful bug (" + shrink.steps() + " steps, "
                                + shrink.attempts() + " replays)"));
    }
}
