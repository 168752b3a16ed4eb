package xpf.properties;

import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import xpf.properties.gen.Family;
import xpf.prop.junit.PropertyCheck;
import xpf.prop.junit.PropertyTest;

/** HVM guests under hardware-assisted paging (NPT/EPT, xen-4.22): every HAP class, checked against the HVM reference oracle. */
@Execution(ExecutionMode.CONCURRENT)
class HvmHapProperties {

    @PropertyTest(tries = SuiteSizes.HVM_HAP_SHORT, seed = "0x5EED0003")
    void shortScenarios(PropertyCheck prop) {
        SuiteTotals.record(Family.HVM_HAP, prop.check(SuiteProperties.property(Family.HVM_HAP,
                SuiteProperties.Options.defaults().withMaxGroups(SuiteSizes.SHORT_GROUPS)
                        .withCoverage(false))));
    }

    @PropertyTest(tries = SuiteSizes.HVM_HAP_LONG, seed = "0x5EED0004")
    void longScenarios(PropertyCheck prop) {
        SuiteTotals.record(Family.HVM_HAP, prop.check(SuiteProperties.property(Family.HVM_HAP)));
    }
}
