package xpf.sim.scenario.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run}, {@code explain} and {@code replay} through the real CLI: output format and exit codes. */
class ScenarioCommandsTest {
    static final String EXAMPLES = "../conformance/scenarios/examples";
    static final String STALE = EXAMPLES + "/bare-stale-tlb.yaml";

    /** The stale-TLB example with its last expectation wrong (the fault is U, not P|U). */
    static Path broken(Path dir) throws IOException {
        Path p = dir.resolve("broken.yaml");
        String text = Files.readString(Path.of(STALE));
        String wrong = text.replace("expect: {outcome: exception, vector: 14, error_code: U, cr2: 0x400010}",
                "expect: {outcome: exception, vector: 14, error_code: \"P|U\", cr2: 0x400010}");
        assertThat(wrong).isNotEqualTo(text);
        Files.writeString(p, wrong);
        return p;
    }

    @Test
    void runPrintsOneLinePerScenarioAndTheTotals() throws IOException {
        Cli r = Cli.run("run", EXAMPLES);
        long files;
        try (var s = Files.list(Path.of(EXAMPLES))) {
            files = s.filter(ScenarioFiles::isScenario).count();
        }
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out().lines()).hasSize((int) files + 1).allSatisfy(l -> assertThat(l)
                .matches("PASS \\S+ \\(\\.\\./conformance/scenarios/examples/\\S+\\.(yaml|json)\\)|\\d+ passed, 0 failed"));
        assertThat(r.out()).endsWith("\n" + files + " passed, 0 failed\n");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void aFailedExpectationExitsOneAndNamesTheStepAndField(@TempDir Path dir) throws IOException {
        Path p = broken(dir);
        Cli r = Cli.run("run", STALE, p.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEqualTo("PASS bare-stale-tlb (" + STALE + ")\n"
                + "FAIL bare-stale-tlb (" + p + ")\n"
                + "  steps[4] (line 37): error_code: expected P|U, got U\n"
                + "1 passed, 1 failed\n");
    }

    @Test
    void runJsonIsMachineReadable(@TempDir Path dir) throws IOException {
        Cli r = Cli.run("run", "--json", STALE, broken(dir).toString());
        assertThat(r.exit()).isEqualTo(1);
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertThat(doc.get("passed").asInt()).isEqualTo(1);
        assertThat(doc.get("failed").asInt()).isEqualTo(1);
        JsonNode bad = doc.get("results").get(1);
        assertThat(bad.get("passed").asBoolean()).isFalse();
        JsonNode step = bad.get("steps").get(4);
        assertThat(step.get("line").asInt()).isEqualTo(37);
        assertThat(step.get("outcome").asText()).isEqualTo("exception");
        assertThat(step.get("fields").get("error_code").asText()).isEqualTo("U");
        assertThat(step.get("expected").get("fields").get("error_code").asText()).isEqualTo("P|U");
        assertThat(step.get("differences").get(0).asText()).isEqualTo("error_code: expected P|U, got U");
        assertThat(bad.get("trace_sha256").asText()).hasSize(64);
    }

    @Test
    void explainPrintsANumberedCallFlowPerStep() {
        Cli r = Cli.run("explain", EXAMPLES + "/bare-not-present.yaml");
        assertThat(r.exit()).isZero();
        String a = CallFlow.ARROW;
        assertThat(r.out()).startsWith("bare-not-present (" + EXAMPLES + "/bare-not-present.yaml)\n"
                + "machine: intel, maxphyaddr 40, xen-4.22\ndomains: guest (bare, 1 vCPU)\n");
        assertThat(r.out()).contains("steps[1] (line 24): guest vcpu 0: access (va=0x405008, kind=write, cpl=3, "
                + "size=8)\n"
                + "  1. #PF in guest (va=0x405008, ec=W|U, source=WALK)\n");
        assertThat(r.out()).contains("  " + a + " exception (vector=14, error_code=W|U, cr2=0x405008)\n"
                + "  expected exception vector=14 error_code=W|U cr2=0x405008: matches\n");
        assertThat(r.out()).endsWith("\nall 4 expectations met\n");
    }

    @Test
    void replayShowsExpectedAgainstActualAndTheTraceAroundTheFirstDifference(@TempDir Path dir)
            throws IOException {
        Path p = broken(dir);
        Cli r = Cli.run("replay", p.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("steps[4] (line 37): guest vcpu 0: access (va=0x400010, kind=read, cpl=3, size=8)\n"
                + "  expected: exception vector=14 error_code=P|U cr2=0x400010\n"
                + "  actual:   exception vector=14 error_code=U cr2=0x400010\n"
                + "  DIFFERS error_code: expected P|U, got U\n");
        assertThat(r.out()).contains("trace around the first difference (steps[4]):\n")
                .contains("  > 10 [4] HARDWARE #PF va=0x400010 ec=U source=WALK\n")
                .endsWith("1 of 5 steps differ\n");
        // six events of context before the differing step (--context default), the first one is event 3
        assertThat(r.out()).contains("(steps[4]):\n    3 [1] OP host_write pa=0x1003000 size=8 value=0x0\n")
                .contains("    8 [3] OUTCOME ok\n  > 9 [4] OP access");
        Cli ok = Cli.run("replay", STALE);
        assertThat(ok.exit()).isZero();
        assertThat(ok.out()).endsWith("no difference: every expectation holds\n").doesNotContain("DIFFERS");
    }

    @Test
    void explainAndReplayTakeOneFile() {
        Cli r = Cli.run("explain", EXAMPLES);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("xpf: explain: give one scenario file, not a directory of ");
    }

    @Test
    void benchReportsTimePerScenarioOnStderr() {
        Cli r = Cli.run("run", "--bench", "3", STALE);
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("PASS bare-stale-tlb (" + STALE + ")\n1 passed, 0 failed\n");
        assertThat(r.err()).matches("(?s)bench: 1 scenarios x 3 runs \\(after 1 warm-up rounds\\): load [0-9.]+ us, "
                + "run [0-9.]+ us, load\\+run [0-9.]+ us per scenario \\((thread CPU|wall) time; \\d+ steps checked\\)\n");
    }
}
