package xpf.conformance.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import xpf.conformance.allure.AllureScenarioRecorder;

/**
 * Runs every scenario of the corpus as one test, recorded as one Allure result whose steps are the Xen call trace:
 * it fails on a load error, on any expectation difference, and on a file that expects nothing.
 */
class CorpusTest {
    static final Path CORPUS = Path.of("scenarios");

    @TestFactory
    Stream<DynamicTest> everyScenarioMeetsItsExpectations() {
        return Corpus.files(CORPUS).stream().map(p -> DynamicTest.dynamicTest(CORPUS.relativize(p).toString(),
                p.toUri(), () -> check(p)));
    }

    static void check(Path p) {
        Corpus.Checked c = Corpus.check(p);
        AllureScenarioRecorder.current().recordInCurrentTest(c.report());
        assertThat(String.join("\n", c.problems())).as("%s (replay with: ./xpf replay %s)", p, p).isEmpty();
    }

    @Test
    void theCorpusHasTheExamplesAndEveryExampleDirectoryIsKnown() throws IOException {
        assertThat(Corpus.files(CORPUS)).anySatisfy(p -> assertThat(p.toString()).contains("examples"));
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
        assertThat(Corpus.check(p).problems()).singleElement().asString().contains("expects nothing");
    }

    @Test
    void aMalformedFileIsBrokenNotPassed(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path p = dir.resolve("bad.yaml");
        Files.writeString(p, "version: 1\nbogus: 1\n");
        Corpus.Checked c = Corpus.check(p);
        assertThat(c.passed()).isFalse();
        assertThat(c.report().verdict().passed()).isFalse();
        assertThat(c.problems().get(0)).contains("bad.yaml:2:1");
    }
}
