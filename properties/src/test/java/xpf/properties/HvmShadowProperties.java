package xpf.properties;

import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import xpf.properties.gen.Family;
import xpf.prop.junit.PropertyCheck;
import xpf.prop.junit.PropertyTest;

/**
 * HVM guests under shadow paging (SVM and VMX, xen-3.1 and xen-4.22): every step agrees with the HVM reference
 * oracle and keeps the suite's invariants; the shadow catalogue paths are reached. Short scenarios for volume, long
 * ones for depth (stale caches, re-shadowing, combinations need history).
 */
@Execution(ExecutionMode.CONCURRENT)
class HvmShadowProperties {

    @PropertyTest(tries = SuiteSizes.HVM_SHADOW_SHORT, seed = "0x5EED0001")
    void shortScenarios(PropertyCheck prop) {
        SuiteTotals.record(Family.HVM_SHADOW, prop.check(SuiteProperties.property(Family.HVM_SHADOW,
                SuiteProperties.Options.defaults().withMaxGroups(SuiteSizes.SHORT_GROUPS)
                        .withCoverage(false))));
    }

    @PropertyTest(tries = SuiteSizes.HVM_SHADOW_LONG, seed = "0x5EED0002")
    void longScenarios(PropertyCheck prop) {
        SuiteTotals.record(Family.HVM_SHADOW, prop.check(SuiteProperties.property(Family.HVM_SHADOW)));
    }
}
