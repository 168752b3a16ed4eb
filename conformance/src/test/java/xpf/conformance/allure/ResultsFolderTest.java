package xpf.conformance.allure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsFolderTest {

    @Test
    @DisplayName("categories: failed = Xen semantics violated (panic/isolation first), broken = harness, skipped = n/a")
    void categories(@TempDir Path dir) throws Exception {
        ResultsFolder.writeCategories(dir);
        JsonNode c = new ObjectMapper().readTree(dir.resolve("categories.json").toFile());
        assertThat(c).hasSize(4);
        assertThat(c.get(0).path("name").asText()).isEqualTo("Xen semantics violated: isolation break or hypervisor panic");
        assertThat(c.get(1).path("name").asText()).isEqualTo("Xen semantics violated");
        assertThat(c.get(1).path("matchedStatuses").get(0).asText()).isEqualTo("failed");
        assertThat(c.get(2).path("matchedStatuses").get(0).asText()).isEqualTo("broken");
        assertThat(c.get(3).path("matchedStatuses").get(0).asText()).isEqualTo("skipped");
        String regex = c.get(0).path("messageRegex").asText();
        assertThat("Xen semantics violated: step 1: outcome: expected delivered, got panic reason=x").matches(regex);
        assertThat("invariant isolation: guest maps frame 0x10").matches(regex);
        assertThat("regression XSA-182 detected").matches(regex);
        assertThat("error_code: expected P|W, got P|W|U").doesNotMatch(regex);
    }

    @Test
    @DisplayName("environment.properties merges every run record: distinct values per key, runs listed")
    void environment(@TempDir Path dir) throws Exception {
        Environment.writeRunRecord(dir, "maven-conformance", null, Map.of(Environment.XEN_PROFILES, "xen-4.22",
                Environment.SEED, "0x1"));
        Environment.writeRunRecord(dir, "cli-conform", null, Map.of(Environment.XEN_PROFILES, "xen-3.1, xen-4.22",
                Environment.SEED, "0x2"));
        Environment.write(dir, Map.of("Git commit", "abc"));
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(dir.resolve("environment.properties"))));
        assertThat(p.getProperty("Xen profiles")).isEqualTo("xen-3.1, xen-4.22");
        assertThat(p.getProperty("Seed")).isEqualTo("0x2, 0x1");
        assertThat(p.getProperty("Runs")).isEqualTo("cli-conform, maven-conformance");
        assertThat(p.getProperty("JDK")).contains(System.getProperty("java.version"));
        assertThat(p.getProperty("Git commit")).isEqualTo("abc");
    }

    @Test
    @DisplayName("history is copied from the previous report; coverage, rules and bench files land beside the results")
    void historyAndCustomFiles(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("allure-report");
        Files.createDirectories(report.resolve("history"));
        Files.writeString(report.resolve("history/history-trend.json"), "[]");
        Path results = dir.resolve("allure-results");
        assertThat(ResultsFolder.copyHistory(report, results)).isTrue();
        assertThat(results.resolve("history/history-trend.json")).hasContent("[]");
        assertThat(ResultsFolder.copyHistory(dir.resolve("none"), results)).isFalse();
        Path kept = dir.resolve("ci-cache"); // a CI's history folder: the files themselves
        Files.createDirectories(kept);
        Files.writeString(kept.resolve("history.json"), "{}");
        assertThat(ResultsFolder.copyHistory(kept, results)).isTrue();
        assertThat(results.resolve("history/history.json")).hasContent("{}");
        assertThat(ResultsFolder.writeCoverage(results, "Pv/prop one", "{\"property\":\"Pv/prop one\"}"))
                .hasFileName("xpf-coverage-Pv_prop_one.json");
        JsonNode rules = new ObjectMapper().readTree(ResultsFolder.writeRuleCoverage(results,
                Map.of("1.1a", "canonical"), Map.of("1.1b", List.of("x86/b.yaml"))).toFile());
        assertThat(rules.path("rules")).hasSize(2);
        assertThat(rules.path("rules").get(0).path("scenarios")).isEmpty();
        assertThat(ResultsFolder.writeBench(results, "{\"walks_per_s\":1}")).hasFileName("xpf-bench.json");
    }
}
