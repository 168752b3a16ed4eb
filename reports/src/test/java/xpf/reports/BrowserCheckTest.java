package xpf.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The browser check: the report of the fixture results (3 passed, 2 failed, 1 broken, 1 skipped, with the failing
 * demo scenario) rendered in headless Chromium, asserting on what a person sees (the page's text after its scripts
 * ran), not on the report's JSON. Served from 127.0.0.1 like a person serving the folder; the single-file variant is
 * opened from file://. Screenshots of the overview and of the failing demo result are left in
 * {@code reports/target/browser-check/} for people to look at.
 *
 * <p>Runs with {@code -Pbrowser}, which is active by itself where /usr/bin/chromium exists (CI installs it).
 */
@Tag("browser")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserCheckTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    Path work;
    AllureReport.Result report;
    LoopbackServer server;
    Chromium chromium;

    @BeforeAll
    void build() throws Exception {
        work = Path.of("target", "browser-check").toAbsolutePath();
        AllureReport.deleteTree(work);
        Files.createDirectories(work);
        chromium = Chromium.find(work);
        Path results = ReportFixture.write(work.resolve("allure-results"), Path.of("..").toAbsolutePath().normalize());
        report = AllureReport.generate(results, work.resolve("allure-report"), true);
        server = new LoopbackServer(report.report());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The text the harness page copied from the report frame. */
    static String seen(String dom) {
        Matcher m = Pattern.compile("(?s)<pre id=\"seen\">(.*?)</pre>").matcher(dom);
        assertThat(m.find()).as("the harness page reported nothing:\n" + dom).isTrue();
        return m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&quot;", "\"");
    }

    /** The route of the failing demo result in the Suites tab: suites/<group uid>/<result uid>/. */
    String demoRoute() throws Exception {
        JsonNode suites = JSON.readTree(report.report().resolve("data/suites.json").toFile());
        String route = find(suites, null);
        assertThat(route).as("the demo result is in the Suites tree").isNotNull();
        return route;
    }

    private static String find(JsonNode group, String groupUid) {
        for (JsonNode c : group.path("children")) {
            if (c.has("children")) {
                String r = find(c, c.path("uid").asText());
                if (r != null) {
                    return r;
                }
            } else if (c.path("name").asText().equals(ReportFixture.DEMO_NAME)) {
                return "suites/" + groupUid + "/" + c.path("uid").asText() + "/";
            }
        }
        return null;
    }

    @Test
    @DisplayName("overview: the totals a person sees match the run (7 test cases, 2 failed, 1 broken, 1 skipped)")
    void overview() throws Exception {
        String url = server.url("xpf-check.html?route=");
        String text = seen(chromium.dumpDom(url));
        assertThat(text).contains("XPF CONFORMANCE").containsPattern("(?s)\\b" + ReportFixture.TOTAL + "\\s+test cases");
        // the status counts of the suite row, the categories with their counts, the environment, the xpf widget
        assertThat(text).containsPattern("(?s)xpf scenarios\\s+2\\s+1\\s+3\\s+1");
        assertThat(text).containsPattern("(?s)Xen semantics violated\\s+2").containsPattern(
                "(?s)Harness or scenario error\\s+1").containsPattern("(?s)Configuration not applicable\\s+1");
        assertThat(text).contains("Xen profiles").contains("xen-4.22").contains("0x5eed");
        assertThat(text).contains("XPF: XEN OUTCOMES OF 5 SCENARIO RESULTS").contains("2 / 3 catalogued paths")
                .contains("LDT mapped").contains("walks_per_s");
        assertThat(text).contains("Behaviors").contains("xpf");
        chromium.screenshot(url, work.resolve("overview.png"), 1400, 1300);
    }

    @Test
    @DisplayName("the failing demo result shows its call-trace steps, the failing step and its attachments")
    void failingResult() throws Exception {
        String url = server.url("xpf-check.html?wait=demo/failing-demo.yaml&expand=1&route=" + demoRoute());
        String text = seen(chromium.dumpDom(url));
        assertThat(text).contains("Failed").contains("demo/failing-demo.yaml")
                .contains("Xen semantics violated: step 2 (access va=0x400010 kind=write cpl=3 size=8): "
                        + "error_code: expected P|W, got P|W|U");
        assertThat(text).contains("1. access va=0x400010 kind=read cpl=3 size=8")
                .contains("2. access va=0x400010 kind=write cpl=3 size=8");
        // the failing step, expanded: its trace steps down to the outcome that differs
        assertThat(text).contains("#PF").contains("outcome: exception vector=14 error_code=P|W|U cr2=0x400010");
        assertThat(text).contains("scenario.yaml").contains("replay command").contains("event trace")
                .contains("expected vs actual").contains("Xen flow");
        assertThat(text).contains("Severity").contains("Categories: Xen semantics violated");
        chromium.screenshot(url, work.resolve("failing-result.png"), 1400, 1500);
    }

    @Test
    @DisplayName("the xpf tab shows the outcome mix, the coverage catalogue, the rule table and the bench figures")
    void xpfTab() throws Exception {
        String url = server.url("xpf-check.html?wait=Rule%20coverage&route=xpf");
        String text = seen(chromium.dumpDom(url));
        assertThat(text).contains("Outcome mix").contains("HVM-SVM").contains("PV").contains("x86");
        assertThat(text).contains("xpf.properties.PvFaultProperties#specialFaultsAreFixedSilently")
                .containsPattern("LDT mapped\\s+path\\s+0\\s+0 %\\s+1(\\.0)? %\\s+NOT MET");
        assertThat(text).containsPattern("pv.2.4\\s+GDT/LDT shadow area\\s+no scenario")
                .contains("demo/failing-demo.yaml");
        assertThat(text).contains("walks_per_s").contains("21.5 M");
        chromium.screenshot(url, work.resolve("xpf-tab.png"), 1400, 1300);
    }

    @Test
    @DisplayName("the single-file report opens from file:// and shows the same totals")
    void singleFile() throws Exception {
        String dom = chromium.dumpDom(report.singleFile().toUri().toString());
        assertThat(dom).containsPattern("<div class=\"splash__title\">" + ReportFixture.TOTAL
                + "</div>\\s*<div class=\"splash__subtitle\">test cases</div>");
        assertThat(dom).contains("xpf: Xen outcomes of 5 scenario results");
    }
}
