package xpf.conformance.reference.xen;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The differential test of the PV reference model against the simulator over the corpus: every step of a PV domain
 * in conformance/scenarios/{pv,xsa,examples} is predicted from the view before it and compared with the simulator's
 * outcome (class and every field). No disagreement is allowed; the number of steps the model does not decide is
 * capped per folder so that it cannot silently grow.
 */
class PvDifferentialTest {

    static final Path CORPUS = Path.of("scenarios");

    @ParameterizedTest(name = "{0}: 0 disagreements, at most {1} steps not modelled")
    @CsvSource({"pv, 1", "xsa, 0", "examples, 0"})
    @DisplayName("PV reference model vs simulator over the corpus")
    void referenceAgreesWithTheSimulator(String folder, int notModelledCap) {
        PvDifferential.Totals t = PvDifferential.folder(new PvOracle(), CORPUS, folder);
        System.out.println(t);
        if (Boolean.getBoolean("pv.show")) {
            PvDifferential.all.forEach(c -> System.out.println("  " + c.describe()));
        }
        t.notModelled().forEach(c -> System.out.println("  not modelled: " + c.file() + ":" + c.line() + " steps["
                + c.index() + "]: " + c.predicted().reason() + "\n    simulator: " + c.actual().summary()));
        String report = t.disagreements().stream().map(PvDifferential.Compared::describe)
                .collect(Collectors.joining("\n"));
        assertThat(t.disagreements()).as("disagreements in %s:\n%s", folder, report).isEmpty();
        assertThat(t.notModelled().size()).as("steps not modelled in %s", folder).isLessThanOrEqualTo(notModelledCap);
    }
}
