package xpf.conformance.bugs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import xpf.conformance.corpus.Corpus;
import xpf.sim.scenario.BugSwitches;
import xpf.sim.scenario.load.ScenarioLoader;
import xpf.sim.xen.BugSwitch;

/**
 * Issue 8 §4, corpus side: for every switch of {@link BugSwitches}, the whole corpus with that switch added to each
 * scenario's {@code bugs} must fail somewhere (an expectation difference, not an error), and with no switch on every
 * file passes. Writes the bug → detecting files → time table to target/bug-switch-detection.md and checks the copy in
 * docs/bug-switches.md (the file lists; times vary): {@code -Dxpf.docs.update=true} rewrites it.
 */
class BugSwitchCorpusTest {
    static final Path CORPUS = Path.of("scenarios");
    static final Path TABLE = Path.of("target/bug-switch-detection.md");
    static final String SECTION = "detection";

    @TestFactory
    Stream<DynamicTest> everySwitchIsDetectedByTheCorpus() {
        List<BugSwitchCorpus.Entry> corpus = new ArrayList<>();
        for (Path p : Corpus.files(CORPUS)) {
            corpus.add(new BugSwitchCorpus.Entry(BugSwitchCorpus.name(CORPUS, p), ScenarioLoader.load(p).scenario()));
        }
        List<BugSwitchCorpus.Detection> results = new ArrayList<>();
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest("baseline: no switch on, every file passes", () -> {
            List<String> problems = new ArrayList<>();
            for (BugSwitchCorpus.Entry e : corpus) {
                BugSwitchCorpus.FileResult r = BugSwitchCorpus.run(e, List.of());
                if (r.error() != null || !r.differences().isEmpty()) {
                    problems.add(e.name() + ": " + (r.error() != null ? r.error() : r.differences()));
                }
            }
            assertThat(problems).as("the corpus without any switch").isEmpty();
        }));
        for (BugSwitch b : BugSwitches.all()) {
            tests.add(DynamicTest.dynamicTest(b.id() + " (" + b.path() + ") is detected", () -> {
                BugSwitchCorpus.Detection d = BugSwitchCorpus.detect(corpus, b);
                results.add(d);
                assertThat(d.detecting()).as("corpus files whose expectations fail with bug switch '%s' on (%s); "
                        + "files that could not run with it: %s", b.id(), b.description(), d.errors()).isNotEmpty();
                System.out.printf("%s detected by %d files, first %s after %s: %s%n", b.id(), d.detecting().size(),
                        d.detecting().get(0), BugSwitchCorpus.ms(d.firstNanos()), d.firstDifference());
            }));
        }
        tests.add(DynamicTest.dynamicTest("the tables in docs/bug-switches.md are current", () -> {
            assertThat(results).as("every switch ran").hasSize(BugSwitches.all().size());
            String table = BugSwitchCorpus.table(results, corpus.size());
            String catalogue = BugSwitchCorpus.catalogue(BugSwitches.all());
            DocsSection.writeTarget(TABLE, "# Bug switches: detection by the corpus\n\n" + table
                    + "\n# Bug switches: catalogue\n\n" + catalogue);
            Path doc = DocsSection.root().resolve("docs/bug-switches.md");
            if (DocsSection.updating()) {
                DocsSection.write(doc, SECTION, table);
                DocsSection.write(doc, "catalogue", catalogue);
            }
            String regenerate = "regenerate with ./mvnw -B -pl sim,conformance -am verify -Dtest=BugSwitchCorpusTest "
                    + "-Dsurefire.failIfNoSpecifiedTests=false -D" + DocsSection.UPDATE + "=true (the new tables are in "
                    + TABLE.toAbsolutePath() + ")";
            String committed = DocsSection.read(doc, SECTION);
            assertThat(committed).as(doc + " has a generated:" + SECTION + " section").isNotNull();
            assertThat(detectingFiles(committed)).as("the detecting files in %s are stale: %s", doc, regenerate)
                    .isEqualTo(detectingFiles(table));
            assertThat(DocsSection.read(doc, "catalogue")).as("the catalogue in %s is stale: %s", doc, regenerate)
                    .isEqualTo(catalogue);
        }));
        return tests.stream();
    }

    /** switch → its detecting-files cell, from a table (the times are left out: they vary from run to run). */
    static Map<String, String> detectingFiles(String table) {
        Map<String, String> m = new LinkedHashMap<>();
        Matcher row = Pattern.compile("(?m)^\\| `([^`]+)` \\| [A-Z]+ \\| ([^|]*) \\|").matcher(table);
        while (row.find()) {
            m.put(row.group(1), row.group(2).strip());
        }
        return m;
    }
}
