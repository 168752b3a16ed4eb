package xpf.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The report generator on the fixture results (see {@link ReportFixture}), without a browser. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AllureReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    Path dir;
    Path results;
    Path report;
    AllureReport.Result first;
    AllureReport.Result second;

    @BeforeAll
    void generateTwice() throws Exception {
        dir = Files.createTempDirectory("xpf-report-test");
        results = ReportFixture.write(dir.resolve("allure-results"), Path.of("..").toAbsolutePath().normalize());
        report = dir.resolve("allure-report");
        first = AllureReport.generate(results, report, true);
        // the next run: fresh results of the same tests, history carried from the first report
        Path next = dir.resolve("allure-results-2");
        ReportFixture.write(next, Path.of(".."));
        second = AllureReport.generate(new AllureReport.Options(next, report, null, null, null, null));
    }

    @AfterAll
    void clean() {
        AllureReport.deleteTree(dir);
    }

    @Test
    @DisplayName("the report's totals are the fixture's: 3 passed, 2 failed, 1 broken, 1 skipped")
    void totals() throws Exception {
        assertThat(first.summary().line()).isEqualTo("passed 3, failed 2, broken 1, skipped 1");
        JsonNode stat = JSON.readTree(report.resolve("widgets/summary.json").toFile()).path("statistic");
        assertThat(stat.path("total").asInt()).isEqualTo(ReportFixture.TOTAL);
        assertThat(stat.path("passed").asInt()).isEqualTo(ReportFixture.PASSED);
        assertThat(stat.path("failed").asInt()).isEqualTo(ReportFixture.FAILED);
        assertThat(stat.path("broken").asInt()).isEqualTo(ReportFixture.BROKEN);
        assertThat(stat.path("skipped").asInt()).isEqualTo(ReportFixture.SKIPPED);
    }

    @Test
    @DisplayName("categories: failures are 'Xen semantics violated', broken 'Harness or scenario error', skipped n/a")
    void categories() throws Exception {
        JsonNode cats = JSON.readTree(report.resolve("widgets/categories.json").toFile()).path("items");
        java.util.Map<String, Integer> byName = new java.util.TreeMap<>();
        cats.forEach(c -> byName.put(c.path("name").asText(), c.path("statistic").path("total").asInt()));
        assertThat(byName).containsEntry("Xen semantics violated", 2).containsEntry("Harness or scenario error", 1)
                .containsEntry("Configuration not applicable", 1);
    }

    @Test
    @DisplayName("environment: JDK, Xen profiles, vendors, seed, tries from the run records and the results")
    void environment() throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(results.resolve("environment.properties"))));
        assertThat(p.getProperty("JDK")).contains(System.getProperty("java.version"));
        assertThat(p.getProperty("Xen profiles")).isEqualTo("xen-4.22");
        assertThat(p.getProperty("Vendors")).isEqualTo("intel");
        assertThat(p.getProperty("Seed")).isEqualTo("0x5eed");
        assertThat(p.getProperty("Tries")).isEqualTo("2000");
        JsonNode env = JSON.readTree(report.resolve("widgets/environment.json").toFile());
        assertThat(env.toString()).contains("Xen profiles").contains("xen-4.22");
    }

    @Test
    @DisplayName("history: the second report continues the first one's trends (build #2)")
    void history() throws Exception {
        assertThat(first.historyCarried()).isFalse();
        assertThat(second.historyCarried()).isTrue();
        assertThat(JSON.readTree(report.resolve("history/history-trend.json").toFile())).hasSize(2);
        JsonNode xpfTrend = JSON.readTree(report.resolve("history/xpf-trend.json").toFile());
        assertThat(xpfTrend).hasSize(2);
        assertThat(xpfTrend.get(1).path("buildOrder").asInt()).isEqualTo(2);
        assertThat(JSON.readTree(report.resolve("widgets/executors.json").toFile()).toString()).contains("xpf run #2");
    }

    @Test
    @DisplayName("xpf content: outcome mix per epic, coverage catalogue, rule coverage with the rule without scenario")
    void xpfContent() throws Exception {
        JsonNode x = JSON.readTree(report.resolve("widgets/xpf.json").toFile());
        assertThat(x.path("outcomeMix").path("scenarios").asInt()).isEqualTo(5);
        assertThat(x.path("outcomeMix").path("byEpic").path("PV").path("emulated").asInt()).isEqualTo(1);
        assertThat(x.path("outcomeMix").path("byEpic").path("HVM-SVM").path("injected").asInt()).isEqualTo(1);
        assertThat(x.path("outcomeMix").path("byEpic").path("x86").path("exception").asInt()).isEqualTo(3);
        assertThat(x.path("coverage").path("paths").asInt()).isEqualTo(3);
        assertThat(x.path("coverage").path("met").asInt()).isEqualTo(2);
        assertThat(x.path("coverage").path("unmet").get(0).path("label").asText()).isEqualTo("LDT mapped");
        assertThat(x.path("rules").path("missing").toString()).isEqualTo("[\"pv.2.4\"]");
        // 1.1a 1.1d 1.1g pv.2.3d from the table and the results; demo, harness, 1.1c, seed.*, hvm.3.F7 from results only
        assertThat(x.path("rules").path("covered").asInt()).isEqualTo(10);
        assertThat(x.path("bench").path("figures")).hasSize(3);
        assertThat(x.path("mutation").path("score").asDouble()).isEqualTo(90.0);
        assertThat(x.path("mutation").path("packages").get(0).path("package").asText()).isEqualTo("xpf.sim.x86");
        assertThat(report.resolve("data/xpf.json")).isRegularFile();
        assertThat(report.resolve("plugin/xpf/index.js")).isRegularFile();
        assertThat(report.resolve("plugin/behaviors/index.js")).isRegularFile();
        assertThat(report.resolve("data/behaviors.json")).isRegularFile();
    }

    @Test
    @DisplayName("the report works offline: no analytics; the single file carries its data and opens from file://")
    void offlineAndSingleFile() throws Exception {
        assertThat(Files.readString(report.resolve("index.html"))).doesNotContain("googletagmanager");
        assertThat(first.singleFile()).isRegularFile();
        String single = Files.readString(first.singleFile());
        assertThat(single).doesNotContain("googletagmanager").contains("window.reportData")
                .contains("widgets/xpf.json").doesNotContain("src=\"http");
    }

    @Test
    @DisplayName("no results: NoResultsException; a non-report folder is never replaced")
    void refusals(@TempDir Path tmp) throws Exception {
        assertThatThrownBy(() -> AllureReport.generate(tmp.resolve("none"), tmp.resolve("r"), false))
                .isInstanceOf(NoResultsException.class).hasMessageContaining("./mvnw -B verify");
        Path precious = tmp.resolve("precious");
        Files.createDirectories(precious);
        Files.writeString(precious.resolve("notes.txt"), "keep me");
        assertThatThrownBy(() -> AllureReport.generate(results, precious, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds no report");
        assertThat(precious.resolve("notes.txt")).hasContent("keep me");
    }
}
