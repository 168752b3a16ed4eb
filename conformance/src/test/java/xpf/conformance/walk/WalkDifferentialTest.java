package xpf.conformance.walk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import xpf.conformance.reference.ReferenceWalk;
import xpf.sim.walk.WalkService;

/**
 * Issue 3 §3: the simulator's walker and the independent reference model agree on every seeded random walk.
 * {@code -Dxpf.walk.seed=N} (decimal or 0x hex) replays another seed, {@code -Dxpf.walk.count=N} changes the number
 * of cases. A failure prints the seed and each minimised case as one walk-service JSON line
 * ({@code ./xpf walk -} replays it; {@code expected} holds the reference's answer).
 */
class WalkDifferentialTest {

    static final long DEFAULT_SEED = 0x3A11_0003L;
    static final long DEFAULT_COUNT = 200_000;

    @Test
    @DisplayName("1.1a-1.1e simulator vs reference: 200,000 seeded walks, 0 mismatches")
    void simulatorAgreesWithReference() {
        long seed = property("xpf.walk.seed", DEFAULT_SEED);
        long count = property("xpf.walk.count", DEFAULT_COUNT);
        WalkDifferential.Result r = WalkDifferential.run(seed, count, "reference", ReferenceWalk::evaluate, "sim",
                WalkService::evaluate);
        System.out.print(r.describe());
        assertThat(r.cases()).isEqualTo(count);
        assertThat(r.mismatches()).as("%s", r.describe()).isZero();
        // the run is not vacuous: every outcome class occurs
        for (WalkSpread.OutcomeClass oc : WalkSpread.OutcomeClass.values()) {
            assertThat(r.spread().count("outcome=" + oc.key)).as(oc.key).isGreaterThan(count / 100);
        }
    }

    private static long property(String name, long dflt) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        v = v.trim();
        return v.startsWith("0x") || v.startsWith("0X") ? Long.parseUnsignedLong(v.substring(2), 16)
                : Long.parseLong(v);
    }
}
