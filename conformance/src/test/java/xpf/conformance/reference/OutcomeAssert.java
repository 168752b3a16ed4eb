package xpf.conformance.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import xpf.model.x86.PfErrorCode;
import xpf.model.x86.Vectors;
import xpf.model.x86.WalkCase;
import xpf.model.x86.WalkOutcome;

/**
 * Assertions on an outcome that print error codes symbolically ({@code P|W|U|RSVD|I|PK}) and addresses in hex.
 * (The simulator's XpfAssertions live in its test-jar, which does not exist yet; these cover what the rule tests
 * need and keep the reference tests independent of the simulator's code as well.)
 */
final class OutcomeAssert {
    private final WalkOutcome o;

    private OutcomeAssert(WalkOutcome o) {
        this.o = o;
    }

    static OutcomeAssert evaluating(WalkCase c) {
        return new OutcomeAssert(ReferenceWalk.evaluate(c));
    }

    WalkOutcome outcome() {
        return o;
    }

    /** A #PF with this symbolic error code, CR2 and walk list (hex addresses). */
    OutcomeAssert pageFault(String errorCode, long cr2, long... walk) {
        assertThat(o.summary()).as("outcome").startsWith("#PF");
        assertThat(o.fault()).isTrue();
        assertThat(o.vector()).isEqualTo(Vectors.PF);
        assertThat(PfErrorCode.symbolic(o.errorCode())).as("error code").isEqualTo(errorCode);
        assertThat(hex(o.cr2())).as("cr2").isEqualTo(hex(cr2));
        assertThat(hexList(o.walk())).as("walk").isEqualTo(hexList(walk));
        assertThat(o.pa()).isNull();
        assertThat(o.pageSize()).isNull();
        assertThat(hexMap(o.memoryAfter())).as("memory_after (no A/D on any fault, §1.1e)").isEmpty();
        return this;
    }

    /** #GP(0) / #SS(0): error code 0, no CR2, no walk, no memory change. */
    OutcomeAssert exception(int vector) {
        assertThat(Vectors.mnemonic(o.vector())).as("vector").isEqualTo(Vectors.mnemonic(vector));
        assertThat(o.fault()).isTrue();
        assertThat(o.errorCode()).as("error code").isEqualTo(0);
        assertThat(o.cr2()).as("cr2").isNull();
        assertThat(o.walk()).as("walk").isEmpty();
        assertThat(o.memoryAfter()).as("memory_after").isEmpty();
        assertThat(o.pa()).isNull();
        return this;
    }

    /** Success with this physical address, page size and walk list. */
    OutcomeAssert success(long pa, long pageSize, long... walk) {
        assertThat(o.summary()).as("outcome").startsWith("ok");
        assertThat(o.fault()).isFalse();
        assertThat(o.vector()).isNull();
        assertThat(o.errorCode()).isNull();
        assertThat(o.cr2()).isNull();
        assertThat(hex(o.pa())).as("pa").isEqualTo(hex(pa));
        assertThat(o.pageSize()).as("page size").isEqualTo(pageSize);
        assertThat(hexList(o.walk())).as("walk").isEqualTo(hexList(walk));
        return this;
    }

    OutcomeAssert succeeds() {
        assertThat(o.summary()).as("outcome").startsWith("ok");
        return this;
    }

    OutcomeAssert faultsWith(String errorCode) {
        assertThat(o.summary()).as("outcome").startsWith("#PF");
        assertThat(PfErrorCode.symbolic(o.errorCode())).as("error code").isEqualTo(errorCode);
        assertThat(o.memoryAfter()).as("memory_after").isEmpty();
        return this;
    }

    /** memory_after, given as address, value, address, value, ... */
    OutcomeAssert memoryAfter(long... addressValue) {
        Map<String, String> expected = new TreeMap<>();
        for (int i = 0; i < addressValue.length; i += 2) {
            expected.put(hex(addressValue[i]), hex(addressValue[i + 1]));
        }
        assertThat(hexMap(o.memoryAfter())).as("memory_after").isEqualTo(expected);
        return this;
    }

    OutcomeAssert note(String note) {
        assertThat(o.note()).as("note").isEqualTo(note);
        return this;
    }

    static String hex(Long v) {
        return v == null ? "null" : "0x" + Long.toHexString(v);
    }

    static List<String> hexList(List<Long> l) {
        return l.stream().map(OutcomeAssert::hex).toList();
    }

    static List<String> hexList(long... l) {
        return Arrays.stream(l).mapToObj(OutcomeAssert::hex).toList();
    }

    static Map<String, String> hexMap(Map<Long, Long> m) {
        Map<String, String> r = new TreeMap<>();
        m.forEach((k, v) -> r.put(hex(k), hex(v)));
        return r;
    }
}
