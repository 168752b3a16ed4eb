package xpf.properties.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The suite's fuzz target as a Jazzer JUnit test. Plain {@code ./mvnw verify} runs it in regression mode: the stored
 * inputs under {@code src/test/resources/xpf/properties/fuzz/ScenarioFuzzTestInputs/scenarios/} and the empty input,
 * no fuzzing. {@code JAZZER_FUZZ=1 ./mvnw -B -pl properties -am test -Dtest=ScenarioFuzzTest
 * -Dsurefire.failIfNoSpecifiedTests=false} fuzzes it (violations are thrown: Jazzer keeps the crash input).
 * {@code ./xpf fuzz --coverage-guided} runs the same target in a child JVM and collects findings instead.
 */
class ScenarioFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void scenarios(FuzzedDataProvider data) {
        ScenarioFuzzTarget.fuzzerTestOneInput(data);
    }
}
