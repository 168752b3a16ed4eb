package xpf.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import xpf.sim.cli.Main;

/** {@code xpf report} through the real CLI entry point (ServiceLoader registration included). */
class ReportCommandTest {

    record Out(int rc, String out, String err) {
    }

    static Out run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Out(rc, out.toString(), err.toString());
    }

    @Test
    @DisplayName("no results: exit 2 and a message saying how to produce them, no stack trace")
    void noResults(@TempDir Path dir) {
        Out o = run("report", "--results", dir.resolve("allure-results").toString(), "--report",
                dir.resolve("allure-report").toString());
        assertThat(o.rc()).isEqualTo(2);
        assertThat(o.err()).contains("xpf: report: no Allure results in").contains("./mvnw -B verify")
                .contains("./xpf conform").doesNotContain("Exception");
        assertThat(dir.resolve("allure-report")).doesNotExist();
    }

    @Test
    @DisplayName("a bad --bench file: exit 2 naming the file")
    void badBench(@TempDir Path dir) throws Exception {
        Path bench = dir.resolve("bench.json");
        Files.writeString(bench, "walks_per_s 12\n");
        Out o = run("report", "--results", dir.resolve("r").toString(), "--bench", bench.toString());
        assertThat(o.rc()).isEqualTo(2);
        assertThat(o.err()).contains("--bench " + bench).contains("./xpf bench --json");
    }

    @Test
    @DisplayName("fixture results: the report is built (exit 0 despite failures), totals printed, bench carried in")
    void builds(@TempDir Path dir) throws Exception {
        Path results = ReportFixture.write(dir.resolve("allure-results"), Path.of(".."));
        Path bench = dir.resolve("bench.json");
        Files.writeString(bench, "{\"walks_per_s\": 123, \"cores\": 2, \"jdk\": \"25\"}");
        Path report = dir.resolve("allure-report");
        Out o = run("report", "--results", results.toString(), "--report", report.toString(), "--no-single-file",
                "--bench", bench.toString());
        assertThat(o.rc()).as(o.err()).isEqualTo(0);
        assertThat(o.out()).contains("report: " + report.resolve("index.html"))
                .contains("totals: passed 3, failed 2, broken 1, skipped 1 (7 tests)").doesNotContain("single file");
        assertThat(report.resolve("index.html")).isRegularFile();
        assertThat(dir.resolve("allure-report-single")).doesNotExist();
        assertThat(Files.readString(report.resolve("widgets/xpf.json"))).contains("walks_per_s");
    }
}
