package xpf.properties.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import xpf.sim.cli.Shard;

/** The child JVM's command line and the seeding of an empty libFuzzer corpus (the run itself: docs/fuzzing.md). */
class CoverageGuidedTest {

    @Test
    void commandRunsTheTargetWithTheScopeAndCollectsIntoTheCrashesFolder(@TempDir Path tmp) {
        FuzzScope scope = FuzzScope.parse("svm", "xen-4.22", List.of("no-df-combine"));
        CoverageGuided cg = new CoverageGuided(scope, 7, Duration.ofSeconds(90), null, new Shard(1, 4), null,
                tmp.resolve("crashes"), List.of("-max_len=8192"));
        List<String> cmd = cg.command(tmp.resolve("jazzer.jar"), tmp.resolve("lf"));
        assertThat(cmd).contains("com.code_intelligence.jazzer.Jazzer",
                "--target_class=" + ScenarioFuzzTarget.class.getName(), "-Dxpf.fuzz.only=svm",
                "-Dxpf.fuzz.profile=xen-4.22", "-Dxpf.fuzz.bugs=no-df-combine",
                "-Dxpf.fuzz.crashes=" + tmp.resolve("crashes").toAbsolutePath(), "-max_total_time=90", "-seed=9",
                "-len_control=0", "-max_len=8192");
        assertThat(cmd).doesNotContain("-max_len=4096");
        assertThat(cmd.get(cmd.size() - 1)).isEqualTo(tmp.resolve("lf").toAbsolutePath().toString());
    }

    @Test
    void anEmptyCorpusIsSeededDeterministicallyAndAFullOneIsLeftAlone(@TempDir Path tmp) throws Exception {
        FuzzScope scope = FuzzScope.parse("x86", null, List.of());
        CoverageGuided cg = new CoverageGuided(scope, 3, null, 10L, Shard.ALL, null, tmp.resolve("c"), List.of());
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        cg.seed(a);
        cg.seed(b);
        try (Stream<Path> s = Files.list(a)) {
            assertThat(s.count()).isEqualTo(16);
        }
        assertThat(Files.readAllBytes(a.resolve("xpf-seed-3"))).hasSize(1024)
                .isEqualTo(Files.readAllBytes(b.resolve("xpf-seed-3")));
        Path full = Files.createDirectories(tmp.resolve("full"));
        Files.write(full.resolve("mine"), new byte[] {1});
        cg.seed(full);
        try (Stream<Path> s = Files.list(full)) {
            assertThat(s.count()).isEqualTo(1);
        }
    }
}
