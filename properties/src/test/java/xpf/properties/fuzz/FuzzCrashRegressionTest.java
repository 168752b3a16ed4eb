package xpf.properties.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import xpf.model.scenario.Scenario;
import xpf.properties.SuiteRun;
import xpf.properties.check.Oracles;
import xpf.properties.check.Violation;
import xpf.sim.scenario.load.ScenarioLoader;

/**
 * The fuzzer's saved crash files, replayed in the default test run ({@code src/test/resources/fuzz-crashes}):
 * <ul>
 * <li>a file whose scenario turns a seeded bug switch on ({@code bugs:}) must still fail its check, and pass without
 * the switch: the suite keeps catching that bug;</li>
 * <li>a file in {@code open/} is a finding not fixed yet: it must still fail its check (when it passes, the bug is
 * fixed: move the file up a level, where it then guards the fix);</li>
 * <li>any other file is a fixed finding: it must pass every invariant and reference check.</li>
 * </ul>
 * To keep a crash: copy it from {@code target/fuzz-crashes} (or {@code --crashes DIR}) into this folder.
 */
class FuzzCrashRegressionTest {

    static final Path DIR = Path.of("src", "test", "resources", "fuzz-crashes");

    @TestFactory
    Stream<DynamicTest> savedCrashesReplay() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.walk(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        return files.stream().map(f -> DynamicTest.dynamicTest(DIR.relativize(f).toString(), () -> replay(f)));
    }

    @Test
    void theFolderHoldsCrashes() throws Exception {
        try (Stream<Path> s = Files.walk(DIR)) {
            assertThat(s.filter(p -> p.toString().endsWith(".yaml")).count())
                    .as("crash files in %s (the regression test must replay something)", DIR).isPositive();
        }
    }

    static void replay(Path f) {
        FindingKey key = CrashFiles.keyOf(f);
        assertThat(key).as("%s has fuzz-check/fuzz-path header lines", f).isNotNull();
        Scenario s = ScenarioLoader.load(f).scenario();
        boolean mustFail = !s.bugs().isEmpty() || DIR.relativize(f).startsWith("open");
        Violation v = null;
        try {
            SuiteRun.run(s, Oracles.available(), true);
        } catch (Violation e) {
            v = e;
        }
        if (mustFail) {
            if (v == null) {
                fail(f + " no longer fails " + key.check() + (s.bugs().isEmpty()
                        ? ": the finding looks fixed; move the file out of open/ so it guards the fix"
                        : ": the suite no longer catches the seeded bug " + s.bugs()));
            }
            assertThat(v.check()).as("%s fails the same check", f).isEqualTo(CrashFiles.shrunkCheckOf(f));
            if (!s.bugs().isEmpty()) {
                try {
                    SuiteRun.run(s.withBugs(List.of()), Oracles.available(), false);
                } catch (Violation without) {
                    fail(f + " fails without its seeded bugs " + s.bugs() + " too, so it does not show that the "
                            + "suite catches them: " + without.getMessage());
                }
            }
        } else if (v != null) {
            fail(f + ": a fixed finding fails again: " + v.getMessage());
        }
    }
}
