package xpf.sim.scenario.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import xpf.sim.scenario.load.MalformedCase;

/**
 * Every malformed file through the real CLI: exit 2, the exact one-line message {@code FILE:LINE:COLUMN: path:
 * message} first on stderr, no stack trace, nothing on stdout.
 */
class MalformedScenarioCliTest {

    @Test
    void thereAreAtLeastTwentyDifferentMistakes() {
        List<MalformedCase> all = MalformedCase.all();
        assertThat(all).hasSizeGreaterThanOrEqualTo(20);
        assertThat(all.stream().map(MalformedCase::mistake).distinct().count()).isEqualTo(all.size());
        assertThat(all.stream().map(MalformedCase::error).distinct().count()).isEqualTo(all.size());
    }

    @TestFactory
    Stream<DynamicTest> runReportsEachMistakeAtItsPlace() {
        return MalformedCase.all().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            String file = c.file().toString();
            Cli r = Cli.run("run", file);
            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.out()).as("stdout").isEmpty();
            assertThat(r.hasStackTrace()).as(r.err()).isFalse();
            assertThat(r.err().lines().findFirst().orElse("")).isEqualTo(file + ":" + c.error());
        }));
    }

    @TestFactory
    Stream<DynamicTest> explainAndReplayReportTheSameMessage() {
        return MalformedCase.all().stream().limit(6).flatMap(c -> Stream.of("explain", "replay").map(cmd ->
                DynamicTest.dynamicTest(cmd + " " + c, () -> {
                    String file = c.file().toString();
                    Cli r = Cli.run(cmd, file);
                    assertThat(r.exit()).isEqualTo(2);
                    assertThat(r.out()).isEmpty();
                    assertThat(r.err().lines().findFirst().orElse("")).isEqualTo(file + ":" + c.error());
                })));
    }

    @Test
    void oneBadFileAmongGoodOnesStopsTheWholeRunWithNothingOnStdout() {
        String good = "../conformance/scenarios/examples/bare-stale-tlb.yaml";
        String bad = MalformedCase.dir().resolve("size-3.yaml").toString();
        Cli r = Cli.run("run", good, bad, "--json");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith(bad + ":18:11: steps[0].size: size 3 is not 1, 2, 4 or 8\n")
                .contains("1 of 2 files not valid; nothing was run");
    }

    @Test
    void aMissingFileIsBadInput() {
        Cli r = Cli.run("run", "no/such/file.yaml");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("xpf: run: no such file or directory: no/such/file.yaml\n");
    }
}
