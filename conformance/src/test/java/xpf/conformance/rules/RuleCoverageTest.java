package xpf.conformance.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import xpf.conformance.allure.ResultsFolder;
import xpf.conformance.bugs.DocsSection;

/**
 * Issue 8 §2: the corpus against the rule catalogue (conformance/rules.yaml). Fails when a required rule has no
 * scenario (or none for a profile it lists), when a corpus tag is neither a catalogued rule nor a generic tag, when a
 * generic tag contradicts its file, and when a waived rule's covering test does not exist. Writes the rule → scenarios
 * table into the Allure results (the report's xpf tab) and docs/rule-coverage.md's table into target/, and fails when
 * the committed docs/rule-coverage.md is stale ({@code -Dxpf.docs.update=true} rewrites it).
 */
class RuleCoverageTest {
    static final Path CORPUS = Path.of("scenarios");
    static final Path TABLE = Path.of("target/rule-coverage.md");
    static RuleCatalogue catalogue;
    static RuleCoverage coverage;

    @BeforeAll
    static void load() {
        catalogue = RuleCatalogue.load(DocsSection.root().resolve(RuleCatalogue.FILE));
        coverage = new RuleCoverage(catalogue, corpus(CORPUS));
    }

    static List<RuleCoverage.TaggedFile> corpus(Path dir) {
        List<String> errors = new ArrayList<>();
        List<RuleCoverage.TaggedFile> files = RuleCoverage.scan(dir, errors);
        assertThat(errors).as("corpus files that do not load").isEmpty();
        return files;
    }

    @Test
    @DisplayName("every required rule has a scenario, every tag is known, every waiver's test exists")
    void corpusCoversTheCatalogue() {
        assertThat(coverage.problems(DocsSection.root())).as("the corpus (%s) against the rule catalogue %s: required "
                + "rules need a scenario, tags must be rules or generic tags %s, waivers need existing tests", CORPUS,
                RuleCatalogue.FILE, catalogue.genericTags().keySet()).isEmpty();
    }

    @Test
    @DisplayName("the rule -> scenarios table goes into the Allure results (xpf-rules.json)")
    void writesTheTableIntoTheResults() throws Exception {
        Path f = coverage.writeAllure(ResultsFolder.resolve());
        String json = Files.readString(f);
        assertThat(json).contains("\"rule\" : \"1.1c.user-write\"", "\"rule\" : \"pv.2.7.1\"", "\"rule\" : \"hvm.3.F21\"");
    }

    @Test
    @DisplayName("docs/rule-coverage.md is the table generated from the catalogue and the corpus")
    void committedTableIsCurrent() throws Exception {
        String table = coverage.markdown();
        DocsSection.writeTarget(TABLE, table);
        Path doc = DocsSection.root().resolve("docs/rule-coverage.md");
        if (DocsSection.updating()) {
            DocsSection.write(doc, "coverage", table);
        }
        assertThat(DocsSection.read(doc, "coverage")).as("%s is stale: regenerate it with ./mvnw -B -pl sim,conformance "
                + "-am verify -Dtest=RuleCoverageTest -Dsurefire.failIfNoSpecifiedTests=false -D%s=true (the new table "
                + "is %s)", doc, DocsSection.UPDATE, TABLE.toAbsolutePath()).isEqualTo(table);
    }

    @Test
    @DisplayName("the checks can fail: a missing required rule, an unknown tag, a wrong profile, a missing test")
    void checksCanFail(@TempDir Path dir) {
        RuleCatalogue c = RuleCatalogue.parse("t.yaml", """
                version: 1
                generic_tags: [{tag: examples, meaning: x}, {tag: xen-3.1, meaning: y}]
                rules:
                  - {id: a.1, title: t, source: "x86-paging.md §1.1c row 1", status: required}
                  - {id: a.2, title: t, source: "s", status: required, profiles: [xen-3.1, xen-4.22]}
                  - {id: a.3, title: t, source: "s", status: waived, reason: r, tests: [x.y.NoSuchTest#m]}
                  - {id: a, title: t, source: "s", status: section}
                """);
        RuleCoverage cov = new RuleCoverage(c, List.of(
                new RuleCoverage.TaggedFile("f1.yaml", List.of("a.2", "a", "examples", "b.9"), "xen-4.22"),
                new RuleCoverage.TaggedFile("f2.yaml", List.of("xen-3.1"), "xen-4.22")));
        assertThat(cov.missingRequired()).containsExactly("a.1: no scenario (t; x86-paging.md §1.1c row 1)",
                "a.2: no xen-3.1 scenario (has [f1.yaml])");
        assertThat(cov.unknownTags()).containsOnlyKeys("b.9");
        assertThat(cov.genericTagProblems()).containsExactly("f2.yaml: tagged xen-3.1 but runs xen-4.22");
        assertThat(cov.missingWaiverTests(dir)).singleElement().asString().contains("no test class x/y/NoSuchTest.java");
        assertThat(cov.problems(dir)).hasSize(5);
        assertThat(c.rule("a.1").family()).isEqualTo("x86 §1.1c");
        assertThat(RuleCoverage.checkTest(DocsSection.root(), getClass().getName() + "#checksCanFail")).isNull();
        assertThat(RuleCoverage.checkTest(DocsSection.root(), getClass().getName() + "#noSuchMethod"))
                .contains("has no method noSuchMethod");
    }

    @Test
    @DisplayName("the catalogue is read strictly: unknown keys, duplicates, waivers without tests are errors")
    void catalogueIsStrict() {
        assertThatThrownBy(() -> RuleCatalogue.parse("t.yaml", "version: 1\nrules:\n  - {id: a, title: t, "
                + "source: s, status: required, typo: 1}\n")).hasMessageContaining("unknown key 'typo'");
        assertThatThrownBy(() -> RuleCatalogue.parse("t.yaml", "version: 1\nrules:\n  - {id: a, title: t, "
                + "source: s, status: required}\n  - {id: a, title: t, source: s, status: required}\n"))
                .hasMessageContaining("'a' listed twice");
        assertThatThrownBy(() -> RuleCatalogue.parse("t.yaml", "version: 1\nrules:\n  - {id: a, title: t, "
                + "source: s, status: waived, reason: r}\n")).hasMessageContaining("needs a reason and the tests");
        assertThatThrownBy(() -> RuleCatalogue.parse("t.yaml", "version: 1\nrules:\n  - {id: a, title: t, "
                + "source: s, status: maybe}\n")).hasMessageContaining("status must be");
    }
}
