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
}
