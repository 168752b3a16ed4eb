package xpf.conformance.conform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import xpf.conformance.allure.ResultsFolder;
import xpf.conformance.bugs.DocsSection;
import xpf.sim.cli.Shard;

/** {@code xpf conform}'s corpus part writes the rule coverage table into the results folder (the report's xpf tab). */
class CorpusPartRulesTest {

    @Test
    @DisplayName("the corpus part writes xpf-rules.json for the whole catalogue, also with --only")
    void writesRuleCoverage(@TempDir Path results) throws Exception {
        StringWriter err = new StringWriter();
        ConformContext ctx = new ConformContext(DocsSection.root(), results, Set.of("x86"), null, false, Shard.ALL,
                new PrintWriter(err));
        PartResult r = new CorpusPart().run(ctx);
        assertThat(r.failed() + r.broken()).as("%s", r.problems()).isZero();
        String json = Files.readString(results.resolve(ResultsFolder.RULES_FILE));
        assertThat(json).contains("\"rule\" : \"1.1c.user-write\"", "\"rule\" : \"hvm.3.F21\"",
                "x86/x86-1.1c-rights.yaml", "svm/seed-svm-fixed.yaml", "waived: ", "test xpf.");
        assertThat(err.toString()).containsPattern("corpus: rule coverage (\\d+)/\\1 required rules have a scenario");
    }
}
