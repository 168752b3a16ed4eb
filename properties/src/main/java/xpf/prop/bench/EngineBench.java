package xpf.prop.bench;

import static xpf.prop.Gens.booleans;
import static xpf.prop.Gens.elements;
import static xpf.prop.Gens.ints;
import static xpf.prop.Gens.longs;

import java.time.Duration;
import java.util.Map;

import xpf.prop.Gen;
import xpf.prop.Property;
import xpf.prop.PropertyResult;
import xpf.prop.PropertyRunner;
import xpf.prop.Settings;
import xpf.prop.choice.ChoiceSequence;
import xpf.prop.shrink.ShrinkOutcome;
import xpf.prop.stateful.Scenario;

/**
 * A small measurement API over the engine, for {@code ./xpf bench}: tries per second of a 20-field record property
 * (or any property), and the time to shrink the planted stateful bug. The authoritative figures come from the
 * JMH benchmarks in the test sources ({@code xpf.prop.bench.*Bench}); this API gives a quick, comparable number
 * inside one run. Timing uses the wall clock by nature; it never influences what a try generates.
 */
public final class EngineBench {
    private EngineBench() {
    }

    /** Tries per second of one property run repeatedly. */
    public record Throughput(String property, long tries, long nanos) {
        public double triesPerSecond() {
            return tries * 1e9 / nanos;
        }
    }

    /** Shrinking the planted stateful bug: how long, how many steps and replays, and the result. */
    public record ShrinkTiming(String original, String shrunk, int steps, int attempts, long nanos) {
        public double millis() {
            return nanos / 1e6;
        }
    }

    /** The 20-field record generator, written as a lambda (the fast form). */
    public static Gen<Record20> record20() {
        Gen<Integer> small = ints(0, 255);
        Gen<Integer> wide = ints(Integer.MIN_VALUE, Integer.MAX_VALUE);
        Gen<Integer> signed = ints(-1000, 1000);
        Gen<Long> addr = longs(0, (1L << 48) - 1);
        Gen<Long> any = longs();
        Gen<Boolean> flag = booleans(0.5);
        Gen<String> mode = elements("long4", "long5", "pae", "2level");
        return c -> new Record20(
                c.draw(small), c.draw(small), c.draw(small), c.draw(wide), c.draw(wide),
                c.draw(signed), c.draw(signed), c.draw(signed), c.draw(small), c.draw(wide),
                c.draw(addr), c.draw(addr), c.draw(any), c.draw(any), c.draw(addr),
                c.draw(flag), c.draw(flag), c.draw(flag),
                c.draw(mode), c.draw(mode));
    }

    /** A passing property over {@link #record20()} with a cheap check, so the figure measures the engine. */
    public static Property<Record20> record20Property() {
        return Property.forAll(record20()).holds(r -> r.a0() <= 255 && r.b0() >= 0 && !r.d0().isEmpty());
    }

    /**
     * Runs {@code property} with {@code triesPerRun} tries per run, first for {@code warmup} (JIT), then for
     * {@code measure}, and reports the measured part.
     */
    public static Throughput triesPerSecond(String name, Property<?> property, int triesPerRun, Duration warmup,
                                            Duration measure) {
        Settings settings = Settings.withSeed(1).tries(triesPerRun);
        long end = System.nanoTime() + warmup.toNanos();
        long seed = 0;
        while (System.nanoTime() - end < 0) {
            requirePass(PropertyRunner.run(name, property, settings.seed(seed++)));
        }
        long tries = 0;
        long start = System.nanoTime();
        long stop = start + measure.toNanos();
        long now;
        do {
            tries += requirePass(PropertyRunner.run(name, property, settings.seed(seed++))).triesRun();
            now = System.nanoTime();
        } while (now - stop < 0);
        return new Throughput(name, tries, now - start);
    }

    /** Throughput of the 20-field record property (the figure compared with jqwik's ~55 k tries/s). */
    public static Throughput record20TriesPerSecond(Duration warmup, Duration measure) {
        return triesPerSecond("EngineBench#record20", record20Property(), 10_000, warmup, measure);
    }

    /**
     * Finds the planted stale-cache bug with {@code seed}, then times shrinking it from its original failing
     * choices, {@code repetitions} times after as many warm-up rounds; reports the mean.
     */
    public static ShrinkTiming plantedStatefulBugShrink(long seed, int repetitions) {
        Property<Scenario<BuggyCache, Map<Integer, Integer>>> p = CacheActions.machine().property();
        Settings settings = Settings.withSeed(seed).tries(10_000)
                .outputDir(java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "xpf-prop-bench"));
        PropertyResult<Scenario<BuggyCache, Map<Integer, Integer>>> found = PropertyRunner.run("EngineBench#cache", p, settings);
        if (found.counterexample() == null) {
            throw new IllegalStateException("seed " + seed + " did not find the planted bug");
        }
        ChoiceSequence original = found.counterexample().originalChoices();
        for (int i = 0; i < repetitions; i++) {
            PropertyRunner.shrink(p, settings, original);
        }
        long total = 0;
        ShrinkOutcome last = null;
        for (int i = 0; i < repetitions; i++) {
            long t0 = System.nanoTime();
            last = PropertyRunner.shrink(p, settings, original);
            total += System.nanoTime() - t0;
        }
        return new ShrinkTiming(found.counterexample().original(), found.counterexample().shrunkText(), last.steps(),
                last.attempts(), total / repetitions);
    }

    private static <T> PropertyResult<T> requirePass(PropertyResult<T> r) {
        if (r.failed()) {
            throw new IllegalStateException("benchmark property failed: " + r.verdict());
        }
        return r;
    }

    /** Prints both figures: {@code java -cp ... xpf.prop.bench.EngineBench}. */
    public static void main(String[] args) {
        Throughput t = record20TriesPerSecond(Duration.ofSeconds(3), Duration.ofSeconds(5));
        System.out.printf(java.util.Locale.ROOT, "record20: %.0f tries/s (%d tries in %.2f s, one thread)%n",
                t.triesPerSecond(), t.tries(), t.nanos() / 1e9);
        ShrinkTiming s = plantedStatefulBugShrink(1, 20);
        System.out.printf(java.util.Locale.ROOT, "planted stateful bug: shrunk in %.2f ms (%d steps, %d replays) to%n%s%n",
                s.millis(), s.steps(), s.attempts(), s.shrunk());
    }
}
