package xpf.prop.selftest;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.prop.Gens.ints;
import static xpf.prop.Gens.lists;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import xpf.prop.Property;
import xpf.prop.PropertyResult;
import xpf.prop.PropertyRunner;
import xpf.prop.Settings;
import xpf.prop.Verdict;
import xpf.prop.bench.BuggyCache;
import xpf.prop.bench.CacheActions;
import xpf.prop.choice.ChoiceFile;
import xpf.prop.stateful.Scenario;

/** §8: a saved choice file replays the same failure, for plain and stateful properties. */
class ReplayTest {
    @TempDir
    Path failures;

    @Test
    void replayFileGivesTheSameFailure() {
        Property<List<Integer>> p = Property.forAll(lists(ints(0, 1000), 0, 10))
                .holds(xs -> xs.stream().mapToInt(Integer::intValue).sum() <= 100);
        Settings s = Settings.withSeed(11).outputDir(failures);
        PropertyResult<List<Integer>> found = PropertyRunner.run("ReplayTest#sum", p, s);
        Path file = found.counterexample().choiceFile();
        assertThat(file).startsWith(failures).hasFileName("ReplayTest.sum.choices.json");

        PropertyResult<List<Integer>> replayed = PropertyRunner.run("ReplayTest#sum", p, s.seed(999).replay(file));
        assertThat(replayed.verdict()).isInstanceOf(Verdict.Falsified.class);
        assertThat(replayed.replayedFrom()).isEqualTo(file);
        assertThat(replayed.counterexample().shrunk()).isEqualTo(found.counterexample().shrunk());
        assertThat(replayed.counterexample().failure().toString()).isEqualTo(found.counterexample().failure().toString());
        assertThat(replayed.counterexample().choices()).isEqualTo(found.counterexample().choices());
    }

    @Test
    void theShrunkStatefulScenarioReplaysExactly() {
        var p = CacheActions.machine().property();
        Settings s = Settings.withSeed(4).tries(1000).outputDir(failures);
        PropertyResult<Scenario<BuggyCache, Map<Integer, Integer>>> found = PropertyRunner.run("ReplayTest#cache", p, s);
        PropertyResult<Scenario<BuggyCache, Map<Integer, Integer>>> replayed =
                PropertyRunner.run("ReplayTest#cache", p, s.replay(found.counterexample().choiceFile()));
        assertThat(replayed.counterexample().shrunk().actions()).isEqualTo(found.counterexample().shrunk().actions());
        assertThat(replayed.counterexample().failure()).hasMessage(found.counterexample().failure().getMessage());
        // and the scenario value itself re-runs to the same failure
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> found.counterexample().shrunk().run())
                .hasMessage(found.counterexample().failure().getMessage());
    }

    @Test
    void aFixedBugMakesTheReplayPass() throws Exception {
        Property<Integer> buggy = Property.forAll(ints(0, 100)).holds(x -> x < 50);
        Property<Integer> fixed = Property.forAll(ints(0, 100)).holds(x -> x < 500);
        Settings s = Settings.withSeed(1).outputDir(failures);
        Path file = PropertyRunner.run("ReplayTest#fix", buggy, s).counterexample().choiceFile();
        PropertyResult<Integer> after = PropertyRunner.run("ReplayTest#fix", fixed, s.replay(file));
        assertThat(after.verdict()).isInstanceOf(Verdict.Passed.class);
        assertThat(after.replayedFrom()).isEqualTo(file);
    }

    @Test
    void aReplayFileOfAnotherPropertyIsIgnored() {
        Property<Integer> p = Property.forAll(ints(0, 100)).holds(x -> x < 50);
        Settings s = Settings.withSeed(1).outputDir(failures);
        Path file = PropertyRunner.run("ReplayTest#one", p, s).counterexample().choiceFile();
        PropertyResult<Integer> other = PropertyRunner.run("ReplayTest#other", Property.forAll(ints(0, 9)).holds(x -> true),
                s.replay(file));
        assertThat(other.replayedFrom()).isNull();
        assertThat(other.triesRun()).isEqualTo(100);
    }

    @Test
    void theChoiceFileRecordsTheFacts() throws Exception {
        Property<Integer> p = Property.forAll(ints(0, 1000)).holds(x -> x < 321);
        PropertyResult<Integer> r = PropertyRunner.run("pkg.ReplayTest#facts", p, Settings.withSeed(8).outputDir(failures));
        ChoiceFile f = ChoiceFile.read(r.counterexample().choiceFile());
        assertThat(f.property()).isEqualTo("pkg.ReplayTest#facts");
        assertThat(f.seed()).isEqualTo(8);
        assertThat(f.tryIndex()).isEqualTo(r.counterexample().tryIndex());
        assertThat(f.shrunk()).isEqualTo("321");
        assertThat(f.shrinkSteps()).isEqualTo(r.counterexample().shrinkSteps());
        assertThat(f.replay().get(0)).contains("-Dtest=ReplayTest#facts").contains("-Dprop.replay=");
        assertThat(Files.readString(r.counterexample().choiceFile())).contains("\"choices\" : [ 321 ]");
    }
}
