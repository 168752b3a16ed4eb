package xpf.properties;

import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import xpf.properties.gen.Family;
import xpf.prop.junit.PropertyCheck;
import xpf.prop.junit.PropertyTest;

/** The x86 model alone (every paging mode, vendor, MAXPHYADDR): checked against the bare reference oracle and the x86 reference walk. */
@Execution(ExecutionMode.CONCURRENT)
class BareProperties {

    @PropertyTest(tries = SuiteSizes.BARE_SHORT, seed = "0x5EED0007")
    void shortScenarios(PropertyCheck prop) {
        SuiteTotals.record(Family.BARE, prop.check(SuiteProperties.property(Family.BARE,
                SuiteProperties.Options.defaults().withMaxGroups(SuiteSizes.SHORT_GROUPS)
                        .withCoverage(false))));
    }

    @PropertyTest(tries = SuiteSizes.BARE_LONG, seed = "0x5EED0008")
    void longScenarios(PropertyCheck prop) {
        SuiteTotals.record(Family.BARE, prop.check(SuiteProperties.property(Family.BARE)));
    }
}
