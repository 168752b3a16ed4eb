package xpf.properties;

/**
 * Tries of the suite's properties in the default build (docs/property-suite.md "Sizes"): about 100,000 scenarios in
 * total, split so that the properties, run two at a time, finish in a few minutes on 2 cores. {@code -Dprop.scale=100}
 * (the {@code deep} profile) multiplies every count: about 10,000,000 scenarios.
 */
final class SuiteSizes {

    /** Step groups of a short scenario. */
    static final int SHORT_GROUPS = 4;

    static final int BARE_SHORT = 18_000;
    static final int BARE_LONG = 4_000;
    static final int HVM_SHADOW_SHORT = 22_000;
    static final int HVM_SHADOW_LONG = 6_000;
    static final int HVM_HAP_SHORT = 16_000;
    static final int HVM_HAP_LONG = 4_000;
    static final int PV_SHORT = 24_000;
    static final int PV_LONG = 6_000;

    private SuiteSizes() {
    }
}
