package xpf.prop.bench;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import xpf.prop.Property;
import xpf.prop.PropertyRunner;
import xpf.prop.Settings;
import xpf.prop.choice.ChoiceSequence;
import xpf.prop.shrink.ShrinkOutcome;
import xpf.prop.stateful.Scenario;

/**
 * Time to shrink the planted stateful bug ({@link BuggyCache}: put, put, get) from the failing scenario that the
 * seeded search found, to the three-step minimum. One seed per parameter value, so the figure covers
 * differently sized originals.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class StatefulShrinkBench {
    @Param({"1", "2", "3", "4", "5"})
    long seed;

    Property<Scenario<BuggyCache, Map<Integer, Integer>>> property;
    Settings settings;
    ChoiceSequence original;

    @Setup
    public void findTheBug() {
        property = CacheActions.machine().property();
        settings = Settings.withSeed(seed).tries(10_000)
                .outputDir(Path.of(System.getProperty("java.io.tmpdir"), "xpf-prop-bench"));
        original = PropertyRunner.run("StatefulShrinkBench#cache", property, settings).counterexample().originalChoices();
        ShrinkOutcome o = PropertyRunner.shrink(property, settings, original);
        if (o.best().length() > 13) {
            throw new IllegalStateException("seed " + seed + " did not shrink to the 3-step minimum: " + o.best());
        }
    }

    @Benchmark
    public ShrinkOutcome shrinkPlantedStatefulBug() {
        return PropertyRunner.shrink(property, settings, original);
    }

    @Benchmark
    public Object findAndShrinkPlantedStatefulBug() {
        return PropertyRunner.run("StatefulShrinkBench#cache", property, settings);
    }
}
