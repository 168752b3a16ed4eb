package xpf.prop.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import xpf.prop.PropertyFailure;
import xpf.prop.choice.ChoiceFile;

/** The JUnit 5 integration, run on {@link PlantedProperties} through the JUnit test kit. */
class JUnitIntegrationTest {

    private static EngineExecutionResults run(String method) {
        return EngineTestKit.engine("junit-jupiter")
                .selectors(selectMethod(PlantedProperties.class, method, PropertyCheck.class.getName()))
                .configurationParameter("xpf.prop.allure", "false")
                .execute();
    }

    private static Throwable failureOf(String method) {
        EngineExecutionResults results = run(method);
        results.testEvents().assertStatistics(s -> s.started(1).failed(1));
        Event failed = results.testEvents().failed().stream().findFirst().orElseThrow();
        return failed.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable).orElseThrow();
    }

    @Test
    void aFailingPropertyReportsEverythingNeededToReplayIt() {
        Throwable t = failureOf("sumOver100");
        assertThat(t).isInstanceOf(PropertyFailure.class);
        String id = PlantedProperties.class.getName() + "#sumOver100";
        assertThat(t.getMessage())
                .contains("Property " + id + " falsified (seed 42, try ")
                .contains("original (")
                .contains("shrunk   (")
                .contains("shrink steps")
                .contains("    [101]\n")
                .contains("choice file: ")
                .contains("PlantedProperties.sumOver100.choices.json");
        String replay = t.getMessage().lines().filter(l -> l.startsWith("  replay: ")).findFirst().orElseThrow();
        // surefire runs tests in the module folder and passes xpf.root: the command runs from the repository root
        String root = System.getProperty("xpf.root");
        if (root != null && !root.isBlank()) {
            assertThat(replay).isEqualTo("  replay: ./mvnw -B -pl properties -am test -Dtest=PlantedProperties#sumOver100"
                    + " -Dprop.replay=properties/target/prop-failures/PlantedProperties.sumOver100.choices.json"
                    + " -Dsurefire.failIfNoSpecifiedTests=false");
        }
        ChoiceFile file = ChoiceFile.read(((PropertyFailure) t).result().counterexample().choiceFile());
        assertThat(file.property()).isEqualTo(id);
        assertThat(file.shrunk()).isEqualTo("[101]");
        assertThat(file.seed()).isEqualTo(42);
        assertThat(file.replay().get(0)).isEqualTo(replay.substring("  replay: ".length()));
    }

    @Test
    void replayingTheChoiceFileThroughJUnitGivesTheSameFailure() throws Exception {
        PropertyFailure first = (PropertyFailure) failureOf("sumOver100");
        Path file = first.result().counterexample().choiceFile();
        String before = System.getProperty("prop.replay");
        System.setProperty("prop.replay", file.toString());
        try {
            PropertyFailure replayed = (PropertyFailure) failureOf("sumOver100");
            assertThat(replayed.getMessage()).contains("replayed from " + file);
            assertThat(replayed.result().counterexample().shrunkText())
                    .isEqualTo(first.result().counterexample().shrunkText());
            assertThat(replayed.result().counterexample().failure())
                    .hasMessage(first.result().counterexample().failure().getMessage());
            assertThat(replayed.result().counterexample().choices())
                    .isEqualTo(first.result().counterexample().choices());
        } finally {
            restore("prop.replay", before);
        }
    }

    @Test
    void unmetCoverageFailsTheTest() {
        Throwable t = failureOf("coverageUnmet");
        assertThat(t.getMessage()).contains("did not reach its coverage")
                .contains("UNMET \"above 990\" >= 50.0%: got ");
    }

    @Test
    void metCoveragePassesAndWritesStatisticsJson() throws Exception {
        run("coverageMet").testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        Path stats = Path.of("target", "prop-stats", "PlantedProperties.coverageMet.json");
        assertThat(stats).exists();
        assertThat(Files.readString(stats)).contains("\"label\" : \"low\"").contains("\"met\" : true");
    }

    @Test
    void aPropertyTestThatChecksNothingFails() {
        assertThat(failureOf("checksNothing")).hasMessageContaining("checked no property");
    }

    @Test
    void filterExhaustionFailsWithAClearMessage() {
        assertThat(failureOf("starved").getMessage())
                .contains("gave up: too many rejections")
                .contains("filter created at " + PlantedProperties.class.getName() + ".starved(PlantedProperties.java:")
                .contains("rejected 100 values in a row");
    }

    @Test
    void aRendererAddsItsFileAndCommand() throws Exception {
        PropertyFailure t = (PropertyFailure) failureOf("statefulRendered");
        Path rendered = t.result().counterexample().files().get(0);
        assertThat(rendered.getFileName().toString()).isEqualTo("PlantedProperties.statefulRendered.scenario.txt");
        assertThat(Files.readString(rendered)).startsWith("3 steps\n  1. Put[key=0, value=0]");
        assertThat(t.getMessage()).contains("rendered: " + rendered).contains("or: cat " + rendered);
    }

    @Test
    void propTriesOverridesTheAnnotationAndScaleMultiplies() {
        String tries = System.getProperty("prop.tries");
        String scale = System.getProperty("prop.scale");
        System.setProperty("prop.tries", "7");
        System.setProperty("prop.scale", "3");
        try {
            PropertyFailure t = (PropertyFailure) failureOf("coverageUnmet");
            assertThat(t.result().triesRun()).isEqualTo(21);
        } finally {
            restore("prop.tries", tries);
            restore("prop.scale", scale);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
