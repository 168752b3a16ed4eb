package xpf.prop.selftest;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.prop.Gens.ints;
import static xpf.prop.Gens.lists;
import static xpf.prop.Gens.longs;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import xpf.prop.Property;
import xpf.prop.PropertyResult;
import xpf.prop.PropertyRunner;
import xpf.prop.Settings;
import xpf.prop.Verdict;
import xpf.prop.bench.BuggyCache;
import xpf.prop.bench.CacheActions;
import xpf.prop.stateful.Scenario;

/** §8: planted bugs are found and shrink to the known minimal counterexample, whatever the seed. */
class ShrinkToKnownMinimumTest {
    @TempDir
    Path failures;

    private Settings settings(long seed) {
        return Settings.withSeed(seed).tries(1000).outputDir(failures);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 20261126})
    @DisplayName("a list whose sum exceeds 100 shrinks to one element 101")
    void sumOver100(long seed) {
        Property<List<Integer>> p = Property.forAll(lists(ints(0, 1000), 0, 10))
                .holds(xs -> xs.stream().mapToInt(Integer::intValue).sum() <= 100);
        PropertyResult<List<Integer>> r = PropertyRunner.run("ShrinkToKnownMinimumTest#sum", p, settings(seed));
        assertThat(r.verdict()).isInstanceOf(Verdict.Falsified.class);
        assertThat(r.counterexample().shrunk()).containsExactly(101);
        assertThat(r.counterexample().shrinkSteps()).isPositive();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 20261126})
    @DisplayName("a threshold bug shrinks to the exact boundary, in a signed range")
    void thresholdBoundary(long seed) {
        Property<Long> p = Property.forAll(longs(-1_000_000, 1_000_000)).holds(x -> x < 1234);
        PropertyResult<Long> r = PropertyRunner.run("ShrinkToKnownMinimumTest#threshold", p, settings(seed));
        assertThat(r.counterexample().shrunk()).isEqualTo(1234L);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 20261126})
    @DisplayName("a negative threshold shrinks to the boundary nearest zero")
    void negativeThreshold(long seed) {
        Property<Integer> p = Property.forAll(ints(Integer.MIN_VALUE, Integer.MAX_VALUE)).holds(x -> x > -77);
        PropertyResult<Integer> r = PropertyRunner.run("ShrinkToKnownMinimumTest#negative", p, settings(seed));
        assertThat(r.counterexample().shrunk()).isEqualTo(-77);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 20261126})
    @DisplayName("a stateful bug needing three specific operations shrinks to exactly those three")
    void statefulBug(long seed) {
        var p = CacheActions.machine().property();
        var r = PropertyRunner.run("ShrinkToKnownMinimumTest#stateful", p, settings(seed));
        assertThat(r.verdict()).isInstanceOf(Verdict.Falsified.class);
        Scenario<BuggyCache, java.util.Map<Integer, Integer>> shrunk = r.counterexample().shrunk();
        assertThat(shrunk.actions()).<Object>containsExactly(
                new CacheActions.Put(0, 0), new CacheActions.Put(0, 1), new CacheActions.Get(0));
    }
}
