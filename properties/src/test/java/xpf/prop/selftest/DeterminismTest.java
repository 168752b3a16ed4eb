package xpf.prop.selftest;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.prop.Gens.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import xpf.prop.Gen;
import xpf.prop.Property;
import xpf.prop.PropertyResult;
import xpf.prop.PropertyRunner;
import xpf.prop.Settings;

/** §8: the same seed gives the same values and the same choice trace; a try replays alone from (seed, index). */
class DeterminismTest {
    @TempDir
    Path failures;

    record Sample(String value, String choices) {
    }

    static final Gen<Object> RICH = tuple(lists(ints(-50, 50), 0, 8), sets(longs(), 0, 4),
            maps(strings("abc", 1, 3), booleans(0.3), 0, 3), swarm("x", "y").flatMap(s -> s.chance("x"))).map(t -> t);

    private List<Sample> run(long seed, int tries) {
        List<Sample> seen = new ArrayList<>();
        Property<Object> p = Property.forAll(RICH).check((v, ctx) -> seen.add(new Sample(v.toString(), "")));
        PropertyRunner.run("DeterminismTest#run", p, Settings.withSeed(seed).tries(tries).outputDir(failures));
        return seen;
    }

    @Test
    void sameSeedSameValues() {
        assertThat(run(12345, 300)).isEqualTo(run(12345, 300));
    }

    @Test
    void differentSeedsDifferentValues() {
        assertThat(run(12345, 50)).isNotEqualTo(run(12346, 50));
    }

    @Test
    void addingTriesNeverChangesEarlierTries() {
        assertThat(run(777, 500).subList(0, 100)).isEqualTo(run(777, 100));
    }

    @Test
    void tryNReplaysAloneFromSeedAndIndex() {
        List<Sample> all = run(31337, 40);
        List<Sample> alone = new ArrayList<>();
        Property<Object> p = Property.forAll(RICH).check((v, ctx) -> alone.add(new Sample(v.toString(), "")));
        PropertyRunner.run("DeterminismTest#alone", p, Settings.withSeed(31337).onlyTry(17).outputDir(failures));
        assertThat(alone).containsExactly(all.get(17));
    }

    @Test
    void sameSeedSameFailureSameShrinkTrace() {
        Property<List<Integer>> p = Property.forAll(lists(ints(0, 1000), 0, 10))
                .holds(xs -> xs.stream().mapToInt(Integer::intValue).sum() <= 100);
        PropertyResult<List<Integer>> a = PropertyRunner.run("D#a", p, Settings.withSeed(5).outputDir(failures));
        PropertyResult<List<Integer>> b = PropertyRunner.run("D#a", p, Settings.withSeed(5).outputDir(failures));
        assertThat(a.counterexample().tryIndex()).isEqualTo(b.counterexample().tryIndex());
        assertThat(a.counterexample().original()).isEqualTo(b.counterexample().original());
        assertThat(a.counterexample().choices()).isEqualTo(b.counterexample().choices());
        assertThat(a.counterexample().shrinkSteps()).isEqualTo(b.counterexample().shrinkSteps());
        assertThat(a.counterexample().shrink().attempts()).isEqualTo(b.counterexample().shrink().attempts());
    }
}
