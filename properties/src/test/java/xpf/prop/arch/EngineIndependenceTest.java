package xpf.prop.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine (xpf.prop) knows nothing of Xen, the simulator or the suites, and uses only its allowed libraries. */
class EngineIndependenceTest {
    private static JavaClasses engine;

    @BeforeAll
    static void importEngine() {
        engine = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("xpf.prop");
    }

    @Test
    void engineClassesWereImported() {
        // guards the rules below against passing vacuously on an empty import
        org.assertj.core.api.Assertions.assertThat(engine.contain("xpf.prop.Gen")).isTrue();
    }

    @Test
    void engineDoesNotDependOnTheSimulatorModelConformanceOrSuites() {
        noClasses().that().resideInAPackage("xpf.prop..")
                .should().dependOnClassesThat()
                .resideInAnyPackage("xpf.sim..", "xpf.model..", "xpf.conformance..", "xpf.properties..")
                .check(engine);
    }

    @Test
    void engineUsesOnlyJavaJUnitAllureJazzerAndJackson() {
        classes().that().resideInAPackage("xpf.prop..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "xpf.prop..", "org.junit..", "org.opentest4j..", "io.qameta.allure..",
                        "com.code_intelligence.jazzer.api..", "com.fasterxml.jackson..")
                .check(engine);
    }
}
