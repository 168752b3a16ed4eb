package xpf.properties.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import xpf.sim.cli.Main;

/** {@code xpf fuzz}: exit codes, clear errors for bad options, the final table and the saved files. */
class FuzzCommandTest {

    record Result(int rc, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> a = new ArrayList<>(List.of("fuzz"));
        a.addAll(List.of(args));
        int rc = Main.execute(a.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Result(rc, out.toString(), err.toString());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "--time 5x|--time: expected a duration like 60s",
        "--time 0s|--time must be between",
        "--time 1m --tries 5|give --time or --tries, not both",
        "--tries 0|--tries must be >= 1",
        "--only arm|--only: expected one of pv, svm, vmx, hap, x86",
        "--shard 3/3|--shard: expected i/n with 0 <= i < n",
        "--shard x|--shard: expected i/n",
        "--bug xsa-999|--bug: unknown bug switch 'xsa-999'",
        "--profile xen-9|--profile: unknown Xen profile",
        "--try 4|--try needs the --seed",
        "--seed 1 --try 4 --tries 9|--try N (N >= 0) runs one try",
        "--tries|Missing required parameter"})
    @DisplayName("bad options: exit 2, one clear message, no stack trace")
    void badOptions(String args, String message) {
        Result r = run(args.split(" "));
        assertThat(r.rc()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(message).doesNotContain("\tat ");
    }

    @Test
    @DisplayName("--crashes naming a file is a usage error and nothing runs")
    void crashesIsAFile(@TempDir Path tmp) throws Exception {
        Path f = Files.writeString(tmp.resolve("f"), "x");
        Result r = run("--tries", "3", "--seed", "1", "--crashes", f.toString());
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("is a file, not a folder");
    }

    @Test
    @DisplayName("a seeded run prints the table; exit 0 without failures, 1 with; each failure has a scenario file")
    void runPrintsTheTable(@TempDir Path tmp) throws Exception {
        Result r = run("--tries", "40", "--seed", "3", "--only", "x86", "--crashes", tmp.resolve("c").toString());
        assertThat(r.rc()).as(r.err()).isIn(0, 1);
        assertThat(r.out()).contains("xpf fuzz: seed 3, shard 0/1, scope bare", "tries              40",
                "catalogue paths reached", "family");
        if (r.rc() == 1) {
            assertThat(r.out()).contains("unique failures", "replay: ./xpf replay ");
            try (var files = Files.list(tmp.resolve("c"))) {
                List<Path> yaml = files.filter(p -> p.toString().endsWith(".yaml")).toList();
                assertThat(yaml).isNotEmpty();
                for (Path y : yaml) {
                    assertThat(CrashFiles.keyOf(y)).as("%s has its key in the header", y).isNotNull();
                    xpf.sim.scenario.load.ScenarioLoader.load(y);
                }
            }
        } else {
            assertThat(r.out()).contains("no failures");
        }
    }

    @Test
    @DisplayName("durations: ms, s, m, h and bare seconds")
    void durations() {
        assertThat(FuzzCommand.parseDuration("500ms").toMillis()).isEqualTo(500);
        assertThat(FuzzCommand.parseDuration("60s").toSeconds()).isEqualTo(60);
        assertThat(FuzzCommand.parseDuration("10m").toMinutes()).isEqualTo(10);
        assertThat(FuzzCommand.parseDuration("1h").toHours()).isEqualTo(1);
        assertThat(FuzzCommand.parseDuration("7").toSeconds()).isEqualTo(7);
    }
}
