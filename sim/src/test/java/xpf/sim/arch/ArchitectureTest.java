package xpf.sim.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The dependency direction of docs/CONTRIBUTING.md: the x86 model knows nothing of Xen; the PV and HVM paths never
 * use each other's internals; the plain data types depend on nothing of the simulator.
 */
class ArchitectureTest {
    static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("xpf");
    }

    @Test
    @DisplayName("the x86 CPU model knows nothing of Xen, scenarios or the CLI")
    void x86IsXenFree() {
        noClasses().that().resideInAPackage("xpf.sim.x86..")
                .should().dependOnClassesThat().resideInAnyPackage("xpf.sim.xen..", "xpf.sim.scenario..",
                        "xpf.sim.cli..", "xpf.sim.walk..")
                .check(classes);
    }

    @Test
    @DisplayName("plain data types (xpf.model) depend on nothing of the simulator")
    void modelIsPlain() {
        noClasses().that().resideInAPackage("xpf.model..")
                .should().dependOnClassesThat().resideInAnyPackage("xpf.sim..")
                .check(classes);
    }

    @Test
    @DisplayName("the PV path never uses the HVM path, and the HVM path never uses the PV path")
    void pvAndHvmAreSeparate() {
        noClasses().that().resideInAPackage("xpf.sim.xen.pv..")
                .should().dependOnClassesThat().resideInAPackage("xpf.sim.xen.hvm..")
                .allowEmptyShould(true).check(classes);
        noClasses().that().resideInAPackage("xpf.sim.xen.hvm..")
                .should().dependOnClassesThat().resideInAPackage("xpf.sim.xen.pv..")
                .allowEmptyShould(true).check(classes);
    }

    @Test
    @DisplayName("shared Xen memory management uses neither the PV nor the HVM path")
    void mmIsShared() {
        noClasses().that().resideInAPackage("xpf.sim.xen.mm..")
                .should().dependOnClassesThat().resideInAnyPackage("xpf.sim.xen.pv..", "xpf.sim.xen.hvm..",
                        "xpf.sim.scenario..")
                .allowEmptyShould(true).check(classes);
    }
}
