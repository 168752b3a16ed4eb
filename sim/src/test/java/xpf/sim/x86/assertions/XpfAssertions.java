package xpf.sim.x86.assertions;

import java.util.Map;
import java.util.StringJoiner;
import org.assertj.core.api.Assertions;
import xpf.model.x86.WalkOutcome;
import xpf.sim.x86.Mmu;

/**
 * Entry point for the project's custom AssertJ assertions: error codes print as {@code P|W|U|RSVD|I|PK}, addresses
 * in hex. Shared with other modules through sim's test-jar.
 */
public class XpfAssertions extends Assertions {

    public static MmuResultAssert assertThat(Mmu.Result actual) {
        return new MmuResultAssert(actual);
    }

    public static WalkOutcomeAssert assertThat(WalkOutcome actual) {
        return new WalkOutcomeAssert(actual);
    }

    static String hexList(long[] a) {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        for (long v : a) {
            j.add("0x" + Long.toHexString(v));
        }
        return j.toString();
    }

    static String hexMap(Map<Long, Long> m) {
        StringJoiner j = new StringJoiner(", ", "{", "}");
        m.forEach((k, v) -> j.add("0x" + Long.toHexString(k) + "=0x" + Long.toHexString(v)));
        return j.toString();
    }
}
