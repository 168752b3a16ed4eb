package xpf.conformance.allure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.AllureResultsWriter;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StepResult;
import io.qameta.allure.model.TestResult;
import io.qameta.allure.model.TestResultContainer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.XenProfile;
import xpf.sim.domain.ScenarioError;

class AllureScenarioRecorderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode onlyResult(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> results = s.filter(p -> p.getFileName().toString().endsWith("-result.json")).toList();
            assertThat(results).hasSize(1);
            return JSON.readTree(results.getFirst().toFile());
        }
    }

    static List<String> names(JsonNode arr, String field) {
        List<String> out = new ArrayList<>();
        arr.forEach(n -> out.add(n.path(field).asText()));
        return out;
    }

    @Test
    @DisplayName("CLI mode: a failing run becomes one failed result with the call trace as steps and every attachment")
    void failingResult(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("scenarios/x86/failing-demo.yaml");
        Files.createDirectories(yaml.getParent());
        Files.writeString(yaml, "version: 1\nname: failing-demo\n");
        Path results = dir.resolve("results");
        ScenarioVerdict v = AllureScenarioRecorder.toDirectory(results).record(ScenarioReport.of(Runs.failingBare())
                .withSource(yaml).withShrunk("version: 1\n# shrunk\n", "./xpf replay target/shrunk.yaml"));
        assertThat(v.kind()).isEqualTo(ScenarioVerdict.Kind.FAILED);
        JsonNode r = onlyResult(results);
        assertThat(r.path("name").asText()).isEqualTo("x86/failing-demo.yaml");
        assertThat(r.path("status").asText()).isEqualTo("failed");
        assertThat(r.path("statusDetails").path("message").asText()).startsWith("Xen semantics violated: step 2");
        assertThat(r.path("historyId").asText()).hasSize(32);
        assertThat(names(r.path("steps"), "name")).containsExactly("1. access va=0x400010 kind=read cpl=3 size=8",
                "2. access va=0x400010 kind=write cpl=3 size=8");
        assertThat(names(r.path("steps"), "status")).containsExactly("passed", "failed");
        assertThat(names(r.path("steps").get(1).path("steps"), "name")).last().asString()
                .isEqualTo("outcome: exception vector=14 error_code=P|W|U cr2=0x400010");
        assertThat(names(r.path("attachments"), "name")).containsExactly("scenario.yaml", "shrunk scenario.yaml",
                "replay command", "event trace", "expected vs actual", "Xen flow");
        for (JsonNode a : r.path("attachments")) {
            assertThat(results.resolve(a.path("source").asText())).isRegularFile();
        }
        JsonNode scenarioYaml = r.path("attachments").get(0);
        assertThat(scenarioYaml.path("type").asText()).isEqualTo("text/yaml");
        assertThat(Files.readString(results.resolve(scenarioYaml.path("source").asText()))).contains("failing-demo");
        assertThat(Files.readString(results.resolve(r.path("attachments").get(2).path("source").asText())))
                .isEqualTo("./xpf replay target/shrunk.yaml\n");
        List<String> labels = new ArrayList<>();
        r.path("labels").forEach(l -> labels.add(l.path("name").asText() + "=" + l.path("value").asText()));
        assertThat(labels).contains("epic=x86", "feature=x86 exception", "story=demo", "story=1.1d",
                "severity=normal", "xpf.outcome=ok", "xpf.outcome=exception", "xpf.xen=xen-4.22", "xpf.vendor=intel",
                "suite=x86");
    }

    @Test
    @DisplayName("CLI mode: passing, broken and skipped results; links to the Xen functions of the trace")
    void otherVerdicts(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a");
        AllureScenarioRecorder.toDirectory(a).record(ScenarioReport.of(Runs.pvPtwr(Runs.expect(OutcomeClass.EMULATED,
                "fixup", "ptwr"), XenProfile.XEN_4_22)));
        JsonNode passed = onlyResult(a);
        assertThat(passed.path("status").asText()).isEqualTo("passed");
        assertThat(names(passed.path("attachments"), "name")).containsExactly("event trace", "Xen flow");
        assertThat(names(passed.path("links"), "name")).containsExactly("do_page_fault", "fixup_page_fault",
                "ptwr_do_page_fault", "x86_emulate");
        assertThat(passed.path("links").get(0).path("url").asText()).contains("xen/arch/x86/traps.c");

        Path b = dir.resolve("b");
        AllureScenarioRecorder.toDirectory(b).record(ScenarioReport.broken(Runs.passingBare().scenario(),
                new ScenarioError("steps[0].domain", "no domain named 'nope'"), null));
        JsonNode broken = onlyResult(b);
        assertThat(broken.path("status").asText()).isEqualTo("broken");
        assertThat(broken.path("statusDetails").path("message").asText())
                .isEqualTo("harness or scenario error: steps[0].domain: no domain named 'nope'");

        Path c = dir.resolve("c");
        AllureScenarioRecorder.toDirectory(c).record(ScenarioReport.skipped(Runs.passingBare().scenario(), "needs AMD"));
        assertThat(onlyResult(c).path("status").asText()).isEqualTo("skipped");
    }

    /** Keeps what a lifecycle writes, as allure-jupiter's writer would. */
    static final class Memory implements AllureResultsWriter {
        final List<TestResult> results = new ArrayList<>();
        final List<String> attachments = new ArrayList<>();

        @Override
        public void write(TestResult testResult) {
            results.add(testResult);
        }

        @Override
        public void write(TestResultContainer container) {
        }

        @Override
        public void write(String source, InputStream attachment) {
            attachments.add(source);
        }
    }

    @Test
    @DisplayName("JUnit mode: steps, labels and attachments go into the running test case; its status stays JUnit's")
    void currentTest() {
        Memory memory = new Memory();
        AllureLifecycle lifecycle = new AllureLifecycle(memory);
        lifecycle.scheduleTestCase(new TestResult().setUuid("t1").setName("CorpusTest [1]"));
        lifecycle.startTestCase("t1");
        ScenarioVerdict v = AllureScenarioRecorder.on(lifecycle).recordInCurrentTest(ScenarioReport.of(
                Runs.svmInject(Runs.expect(OutcomeClass.INJECTED, "error_code", "P|W|U"),
                        xpf.model.scenario.HvmPaging.SHADOW)));
        lifecycle.updateTestCase("t1", t -> t.setStatus(Status.FAILED));
        lifecycle.stopTestCase("t1");
        lifecycle.writeTestCase("t1");
        assertThat(v.kind()).isEqualTo(ScenarioVerdict.Kind.FAILED);
        TestResult t = memory.results.getFirst();
        assertThat(t.getName()).isEqualTo("CorpusTest [1]");
        assertThat(t.getSteps()).extracting(StepResult::getName).containsExactly("1. access kind=write va=0x7000");
        assertThat(t.getSteps().getFirst().getSteps()).extracting(StepResult::getName).contains(
                "#VMEXIT exitcode=0x4e exitinfo2=0x7000", "sh_page_fault: propagate va=0x7000",
                "hvm_inject_page_fault ec=P|W cr2=0x7000", "VMRUN");
        assertThat(t.getLabels()).anyMatch(l -> l.getName().equals("epic") && l.getValue().equals("HVM-SVM"));
        assertThat(t.getAttachments()).extracting(io.qameta.allure.model.Attachment::getName)
                .containsExactly("event trace", "expected vs actual", "Xen flow");
        assertThat(memory.attachments).hasSize(3);
    }

    @Test
    @DisplayName("no running test case: nothing is recorded, the verdict is still returned")
    void noCurrentTest() {
        Memory memory = new Memory();
        ScenarioVerdict v = AllureScenarioRecorder.on(new AllureLifecycle(memory))
                .recordInCurrentTest(ScenarioReport.of(Runs.passingBare()));
        assertThat(v.passed()).isTrue();
        assertThat(memory.results).isEmpty();
    }
}
