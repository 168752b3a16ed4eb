package xpf.sim.walk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import xpf.sim.cli.Main;

/** {@code xpf walk} end to end through the CLI entry point. */
class WalkCommandTest {
    @TempDir
    Path dir;

    private record Run(int rc, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(rc, out.toString(), err.toString());
    }

    @Test
    void answersEachCaseLineInOrderAndSkipsCommentsAndBlankLines() throws Exception {
        Path f = dir.resolve("cases.jsonl");
        Files.write(f, List.of("# comment", "",
                "{\"id\":\"a\",\"mode\":\"long4\",\"cr3\":0,\"access\":{\"va\":0,\"kind\":\"read\"}}",
                "{\"id\":\"b\",\"mode\":\"long4\",\"cr3\":0,\"access\":{\"va\":\"0x800000000000\",\"kind\":\"read\"}}"));
        Run r = run("walk", f.toString());
        assertThat(r.rc()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("{\"id\":\"a\",\"status\":\"ok\",\"fault\":true,\"vector\":14");
        assertThat(lines.get(1)).startsWith("{\"id\":\"b\",\"status\":\"ok\",\"fault\":true,\"vector\":13");
        assertThat(r.err()).contains("2 cases, 0 errors");
    }

    @Test
    void malformedLinesAnswerErrorsProcessingContinuesAndExitIs2() throws Exception {
        Path f = dir.resolve("bad.jsonl");
        Files.write(f, List.of("{\"id\":1,\"mode\":\"long4\",\"cr3\":0,\"acess\":{}}", "{oops",
                "{\"id\":3,\"mode\":\"long4\",\"cr3\":0,\"access\":{\"va\":0,\"kind\":\"read\"}}"));
        Run r = run("walk", f.toString());
        assertThat(r.rc()).isEqualTo(2);
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo("{\"id\":1,\"status\":\"error\",\"message\":\"unknown key 'acess'\"}");
        assertThat(lines.get(1)).contains("\"status\":\"error\"").contains("malformed JSON");
        assertThat(lines.get(2)).contains("\"id\":3,\"status\":\"ok\"");
        assertThat(r.err()).contains("bad.jsonl:1: unknown key 'acess'").contains("bad.jsonl:2:");
    }

    @Test
    void missingFileIsABadInputWithoutStackTrace() {
        Run r = run("walk", dir.resolve("nope.jsonl").toString());
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("no such file").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void shippedExampleFileAnswersEveryLine() throws Exception {
        Path examples = Path.of(System.getProperty("xpf.root", "..")).resolve(
                "conformance/scenarios/x86/walk-examples.jsonl");
        Run r = run("walk", examples.toString());
        assertThat(r.rc()).isZero();
        long cases = Files.readAllLines(examples).stream().filter(l -> !l.isBlank() && !l.startsWith("#")).count();
        assertThat(r.out().lines().filter(l -> l.contains("\"status\":\"ok\"")).count()).isEqualTo(cases);
    }
}
