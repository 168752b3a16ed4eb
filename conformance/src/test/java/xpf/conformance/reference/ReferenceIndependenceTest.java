package xpf.conformance.reference;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import xpf.conformance.reference.fixture.ImportsTheSimulator;

/**
 * The reference model is only worth something while it shares no code with what it checks: classes in
 * {@code xpf.conformance.reference..} may depend on {@code java..} and {@code xpf.model..} only (issue 3 §3,
 * docs/CONTRIBUTING.md "Layout and dependency direction").
 */
class ReferenceIndependenceTest {

    static final ArchRule ONLY_JAVA_AND_MODEL = noClasses()
            .that().resideInAPackage("xpf.conformance.reference..")
            .should().dependOnClassesThat()
            .resideOutsideOfPackages("java..", "xpf.model..", "xpf.conformance.reference..")
            .because("the reference model must stay independent of the simulator (and of everything else)");

    @Test
    @DisplayName("reference model depends only on java.* and xpf.model.*")
    void referenceDependsOnlyOnJavaAndModel() {
        JavaClasses production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("xpf.conformance.reference");
        assertThat(production.stream().map(c -> c.getSimpleName()))
                .as("the rule must see the model's classes, or it checks nothing")
                .contains("ReferenceWalk", "ReservedBitTable", "RightsTable", "UsedEntries");
        ONLY_JAVA_AND_MODEL.check(production);
    }

    @Test
    @DisplayName("the independence rule rejects a reference class that imports the simulator")
    void ruleCatchesAViolation() {
        JavaClasses fixture = new ClassFileImporter().importClasses(ImportsTheSimulator.class);
        EvaluationResult result = ONLY_JAVA_AND_MODEL.evaluate(fixture);
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails()).anyMatch(d -> d.contains("xpf.sim."));
    }
}
