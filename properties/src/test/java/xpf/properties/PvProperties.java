package xpf.properties;

import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import xpf.properties.gen.Family;
import xpf.prop.junit.PropertyCheck;
import xpf.prop.junit.PropertyTest;

/** Paravirtualised guests (64- and 32-bit, xen-3.1 and xen-4.22): ptwr, mmu_update, update_va_mapping, mmuext, set_trap_table, accesses of every kind, checked against the PV reference oracle and the PV invariants. */
@Execution(ExecutionMode.CONCURRENT)
class PvProperties {

    @PropertyTest(tries = SuiteSizes.PV_SHORT, seed = "0x5EED0005")
    void shortScenarios(PropertyCheck prop) {
        SuiteTotals.record(Family.PV, prop.check(SuiteProperties.property(Family.PV,
                SuiteProperties.Options.defaults().withMaxGroups(SuiteSizes.SHORT_GROUPS)
                        .withCoverage(false))));
    }

    @PropertyTest(tries = SuiteSizes.PV_LONG, seed = "0x5EED0006")
    void longScenarios(PropertyCheck prop) {
        SuiteTotals.record(Family.PV, prop.check(SuiteProperties.property(Family.PV)));
    }
}
