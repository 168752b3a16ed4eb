package xpf.prop.selftest;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.prop.Gens.ints;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import xpf.prop.Property;
import xpf.prop.PropertyResult;
import xpf.prop.PropertyRunner;
import xpf.prop.Settings;
import xpf.prop.Verdict;
import xpf.prop.stats.LabelCount;

/** §8: unmet coverage fails, statistics count what happened, filter exhaustion gives a clear error. */
class CoverageAndRejectionTest {
    @TempDir
    Path failures;

    private Settings settings() {
        return Settings.withSeed(2024).tries(1000).outputDir(failures);
    }

    @Test
    void unmetCoverageFailsTheProperty() {
        PropertyResult<Integer> r = PropertyRunner.run("C#unmet", Property.forAll(ints(0, 99))
                .label("zero", x -> x == 0).cover("zero", 10.0).holds(x -> true), settings());
        assertThat(r.verdict()).isInstanceOfSatisfying(Verdict.CoverageUnmet.class,
                v -> assertThat(v.unmet()).singleElement().satisfies(u -> {
                    assertThat(u.requirement().label()).isEqualTo("zero");
                    assertThat(u.met()).isFalse();
                    assertThat(u.count()).isEqualTo(r.statistics().count("labels", "zero"));
                }));
    }

    @Test
    void minimumCountsAreCheckedToo() {
        PropertyResult<Integer> r = PropertyRunner.run("C#count", Property.forAll(ints(0, 99))
                .label("big", x -> x >= 90).coverCount("big", 2000).holds(x -> true), settings());
        assertThat(r.verdict()).isInstanceOf(Verdict.CoverageUnmet.class);
        PropertyResult<Integer> ok = PropertyRunner.run("C#count", Property.forAll(ints(0, 99))
                .label("big", x -> x >= 90).coverCount("big", 20).holds(x -> true), settings());
        assertThat(ok.verdict()).isInstanceOf(Verdict.Passed.class);
    }

    @Test
    void statisticsCountLabelsOncePerTryWithPercentages() {
        PropertyResult<Integer> r = PropertyRunner.run("C#stats", Property.forAll(ints(0, 9))
                .classify("parity", x -> x % 2 == 0 ? "even" : "odd")
                .check((x, ctx) -> {
                    ctx.label("seen");
                    ctx.label("seen"); // counted once per try
                    ctx.label("digit", x);
                }), settings());
        assertThat(r.verdict()).isInstanceOf(Verdict.Passed.class);
        assertThat(r.statistics().tries()).isEqualTo(1000);
        assertThat(r.statistics().count("labels", "seen")).isEqualTo(1000);
        int even = r.statistics().count("parity", "even");
        assertThat(even + r.statistics().count("parity", "odd")).isEqualTo(1000);
        LabelCount first = r.statistics().categories().get("parity").get(0);
        assertThat(first.percent()).isEqualTo(100.0 * first.count() / 1000);
        assertThat(r.statistics().categories().get("digit")).hasSize(10);
        assertThat(r.statistics().categories().keySet()).containsExactly("parity", "labels", "digit");
    }

    @Test
    void assumptionsDiscardTriesWithoutFailing() {
        PropertyResult<Integer> r = PropertyRunner.run("C#assume", Property.forAll(ints(0, 9))
                .check((x, ctx) -> {
                    ctx.assume(x != 3);
                    if (x == 3) {
                        throw new AssertionError("unreachable");
                    }
                }), settings());
        assertThat(r.verdict()).isInstanceOf(Verdict.Passed.class);
        assertThat(r.statistics().discarded()).isPositive();
        assertThat(r.triesRun()).isEqualTo(1000);
    }

    @Test
    void filterExhaustionEndsWithAClearError() {
        PropertyResult<Integer> r = PropertyRunner.run("C#starved",
                Property.forAll(ints(0, 100).filter(x -> x > 100)).holds(x -> true), settings().tries(20));
        assertThat(r.verdict()).isInstanceOfSatisfying(Verdict.Starved.class, v -> assertThat(v.message())
                .startsWith("101 tries discarded for 0 valid ones (limit 5 per wanted try); last rejection: filter "
                        + "created at " + CoverageAndRejectionTest.class.getName() + ".filterExhaustionEndsWithAClearError(")
                .endsWith("rejected 100 values in a row: generate valid values directly (map/flatMap) or widen the predicate"));
    }

    @Test
    void aDescribedFilterUsesItsDescription() {
        PropertyResult<Integer> r = PropertyRunner.run("C#starved2",
                Property.forAll(ints(0, 100).filter("x above 100", x -> x > 100)).holds(x -> true), settings().tries(5));
        assertThat(((Verdict.Starved) r.verdict()).message()).contains("filter x above 100 rejected 100 values");
    }

    @Test
    void theTimeBudgetStopsEarlyAndSaysSo() {
        PropertyResult<Integer> r = PropertyRunner.run("C#time", Property.forAll(ints(0, 9)).check((x, ctx) -> {
            Thread.sleep(5);
        }), settings().tries(1_000_000).timeBudget(Duration.ofMillis(100)));
        assertThat(r.stoppedByTime()).isTrue();
        assertThat(r.triesRun()).isLessThan(1_000_000).isPositive();
        assertThat(r.verdict()).isInstanceOf(Verdict.Passed.class);
    }
}
