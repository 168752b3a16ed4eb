package xpf.properties;

import xpf.properties.gen.Family;
import xpf.prop.junit.PropertyCheck;
import xpf.prop.junit.PropertyTest;

/** HVM guests under shadow paging (SVM and VMX, xen-3.1 and xen-4.22). */
class HvmShadowProperties {

    @PropertyTest(tries = 2000)
    void everyStepKeepsTheInvariants(PropertyCheck prop) {
        prop.check(SuiteProperties.property(Family.HVM_SHADOW));
    }
}
