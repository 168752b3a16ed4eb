package xpf.prop.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import xpf.prop.Choices;
import xpf.prop.Gen;
import xpf.prop.Gens;
import xpf.prop.Property;
import xpf.prop.PropertyResult;
import xpf.prop.PropertyRunner;
import xpf.prop.Settings;
import xpf.prop.choice.RandomSource;

/**
 * Tries per second, single thread: a whole property run over the 20-field record (generate, check, statistics),
 * the same with the reflective record generator, and generation alone. Each invocation runs 10 000 tries, so the
 * reported ops/s are tries/s. Run it as docs/property-engine.md "Benchmarks" shows.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class EngineThroughputBench {
    static final int TRIES = 10_000;

    Property<Record20> lambdaRecord;
    Property<Record20> reflectiveRecord;
    Gen<Record20> gen;
    Choices choices;
    RandomSource random;
    long seed;

    @Setup
    public void setUp() {
        lambdaRecord = EngineBench.record20Property();
        Gen<Integer> small = Gens.ints(0, 255);
        Gen<Integer> wide = Gens.ints(Integer.MIN_VALUE, Integer.MAX_VALUE);
        Gen<Integer> signed = Gens.ints(-1000, 1000);
        Gen<Long> addr = Gens.longs(0, (1L << 48) - 1);
        Gen<Long> any = Gens.longs();
        Gen<Boolean> flag = Gens.booleans(0.5);
        Gen<String> mode = Gens.elements("long4", "long5", "pae", "2level");
        reflectiveRecord = Property.forAll(Gens.record(Record20.class, small, small, small, wide, wide, signed, signed,
                        signed, small, wide, addr, addr, any, any, addr, flag, flag, flag, mode, mode))
                .holds(r -> r.a0() <= 255 && r.b0() >= 0 && !r.d0().isEmpty());
        gen = EngineBench.record20();
        random = new RandomSource();
        choices = new Choices(random);
    }

    @Benchmark
    @OperationsPerInvocation(TRIES)
    public PropertyResult<Record20> record20Property() {
        return PropertyRunner.run("bench#record20", lambdaRecord, Settings.withSeed(seed++).tries(TRIES));
    }

    @Benchmark
    @OperationsPerInvocation(TRIES)
    public PropertyResult<Record20> record20PropertyReflective() {
        return PropertyRunner.run("bench#record20r", reflectiveRecord, Settings.withSeed(seed++).tries(TRIES));
    }

    @Benchmark
    @OperationsPerInvocation(TRIES)
    public void record20GenerateOnly(Blackhole bh) {
        for (int i = 0; i < TRIES; i++) {
            choices.reset(random.reseed(seed++));
            bh.consume(gen.generate(choices));
        }
    }
}
