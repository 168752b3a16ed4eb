package xpf.conformance.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import xpf.model.scenario.Scenario;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.scenario.cli.ScenarioFiles;
import xpf.sim.scenario.load.LoadedScenario;
import xpf.sim.scenario.load.ScenarioLoadException;
import xpf.sim.scenario.load.ScenarioLoader;

/**
 * Runs every scenario of the corpus (conformance/scenarios/: x86 pv svm vmx hap xsa examples) as one test: it fails
 * on a load error, on any expectation difference, and on a file that expects nothing (it would check nothing).
 * The JSON-lines walk files ({@code *.jsonl}) belong to {@code xpf walk} and are not scenarios.
 */
class CorpusTest {
    static final Path CORPUS = Path.of("scenarios");

    static List<Path> files() throws IOException {
        try (Stream<Path> s = Files.walk(CORPUS)) {
            return s.filter(Files::isRegularFile).filter(ScenarioFiles::isScenario).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyScenarioMeetsItsExpectations() throws IOException {
        return files().stream().map(p -> DynamicTest.dynamicTest(CORPUS.relativize(p).toString(), p.toUri(),
                () -> check(p)));
    }

    static void check(Path p) {
        LoadedScenario ls;
        ScenarioRunner.Run run;
        try {
            ls = ScenarioLoader.load(p);
            run = ls.run();
        } catch (ScenarioLoadException e) {
            throw new AssertionError(e.getMessage(), null);
        }
        Scenario s = ls.scenario();
        assertThat(s.steps().stream().anyMatch(st -> st.expect() != null))
                .as("%s expects nothing, so it checks nothing: give at least one step an expect", p).isTrue();
        StringBuilder diffs = new StringBuilder();
        for (ScenarioRunner.StepResult r : run.failures()) {
            for (String d : r.differences()) {
                diffs.append(p).append(':').append(r.step().line()).append(": steps[").append(r.index())
                        .append("]: ").append(d).append('\n');
            }
        }
        assertThat(diffs.toString()).as("%s (replay with: ./xpf replay %s)", s.name(), p).isEmpty();
    }

    @Test
    void theCorpusHasTheExamplesAndEveryExampleDirectoryIsKnown() throws IOException {
        assertThat(files()).anySatisfy(p -> assertThat(p.toString()).contains("examples"));
        try (Stream<Path> s = Files.list(CORPUS)) {
            assertThat(s.filter(Files::isDirectory).map(d -> d.getFileName().toString()))
                    .allSatisfy(d -> assertThat(d).isIn("x86", "pv", "svm", "vmx", "hap", "xsa", "examples"));
        }
    }

    @Test
    void aScenarioWithoutExpectationsIsAFailure(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path p = dir.resolve("nothing.yaml");
        Files.writeString(p, "version: 1\ndomains: [{kind: bare, frames: {l4: 0x1000}, vcpus: [{cr3: l4}]}]\n"
                + "steps: [{op: invlpg, va: 0}]\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> check(p)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("expects nothing");
    }
}
