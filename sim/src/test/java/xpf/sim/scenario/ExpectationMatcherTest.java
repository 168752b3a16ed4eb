package xpf.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.Expectation;
import xpf.model.scenario.Outcome;
import xpf.model.scenario.OutcomeClass;

/** Expected values written the ways the format allows match the canonical outcome fields. */
class ExpectationMatcherTest {

    static Expectation expect(OutcomeClass c, String... kv) {
        LinkedHashMap<String, String> f = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            f.put(kv[i], kv[i + 1]);
        }
        return new Expectation(c, f);
    }

    @Test
    void aDoubleFaultsErrorCodeZeroMatchesHoweverWritten() {
        Outcome df = new Outcome.DoubleFault(0x1000L, new LinkedHashMap<>(), null);
        for (String ec : new String[] {"0", "0x0", "0x00"}) {
            assertThat(ExpectationMatcher.differences(expect(OutcomeClass.DOUBLE_FAULT, "vector", "8",
                    "error_code", ec, "cr2", "0x1000"), df)).as(ec).isEmpty();
        }
        assertThat(ExpectationMatcher.differences(expect(OutcomeClass.DOUBLE_FAULT, "error_code", "1"), df))
                .containsExactly("error_code: expected 0x1, got 0x0");
    }

    @Test
    void aDeliveredFramesErrorCodeSlotIsANumberAlsoUnderDelivery() {
        Outcome.Delivered d = new Outcome.Delivered(14, 3, 0x10L, 0xffff8000L,
                new java.util.LinkedHashMap<>(Map.of("error_code", 0x3L)));
        Outcome inj = new Outcome.Injected(14, 3, 0x10L, new LinkedHashMap<>(), d);
        assertThat(ExpectationMatcher.differences(expect(OutcomeClass.INJECTED, "error_code", "P|W",
                "delivery.error_code", "P|W", "delivery.frame.error_code", "3"), inj)).isEmpty();
    }

    /**
     * Fuzz seed 21, try 1,087,792: the file expected an injected #PF (error_code U) and the simulator injected #GP;
     * the matcher read "U" as the #GP's numeric error code and threw NumberFormatException instead of reporting it.
     */
    @Test
    void aPageFaultErrorCodeExpectedWhereAnotherVectorCameIsADifferenceNotACrash() {
        Outcome.Delivered d = new Outcome.Delivered(13, 0, null, 0xc1000d00L,
                new java.util.LinkedHashMap<>(Map.of("error_code", 0x0L)));
        Outcome gp = new Outcome.Injected(13, 0, null, new LinkedHashMap<>(), d);
        assertThat(ExpectationMatcher.differences(expect(OutcomeClass.INJECTED, "vector", "14", "error_code", "U",
                "delivery.vector", "14", "delivery.error_code", "U", "delivery.frame.error_code", "0x4"), gp))
                .containsExactly("vector: expected 14, got 13", "error_code: expected U, got 0x0",
                        "delivery.vector: expected 14, got 13", "delivery.error_code: expected U, got 0x0",
                        "delivery.frame.error_code: expected 0x4, got 0x0");
        // without the expected vector beside it, a symbolic #PF error code still reads as one
        assertThat(ExpectationMatcher.differences(expect(OutcomeClass.INJECTED, "error_code", "P|W"), gp))
                .containsExactly("error_code: expected P|W, got 0x0");
    }
}
