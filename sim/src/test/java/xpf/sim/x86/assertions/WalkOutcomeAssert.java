package xpf.sim.x86.assertions;

import java.util.Map;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;
import xpf.model.x86.PfErrorCode;
import xpf.model.x86.Vectors;
import xpf.model.x86.WalkOutcome;

/** Assertions on a {@link WalkOutcome} (walk-service results), printed symbolically. */
public final class WalkOutcomeAssert extends AbstractAssert<WalkOutcomeAssert, WalkOutcome> {

    WalkOutcomeAssert(WalkOutcome actual) {
        super(actual, WalkOutcomeAssert.class);
    }

    public WalkOutcomeAssert isPageFault(int errorCode) {
        isNotNull();
        if (!actual.fault() || !Objects.equals(actual.vector(), Vectors.PF)
                || !Objects.equals(actual.errorCode(), errorCode)) {
            throwAssertionError(ShouldHaveErrorCode.shouldHaveErrorCode(actual.summary(), errorCode, ""));
        }
        return this;
    }

    public WalkOutcomeAssert isException(int vector) {
        isNotNull();
        if (!actual.fault() || !Objects.equals(actual.vector(), vector)) {
            failWithMessage("%nExpecting %s%nbut it was: %s", Vectors.mnemonic(vector), actual.summary());
        }
        return this;
    }

    public WalkOutcomeAssert succeedsAt(long pa) {
        isNotNull();
        if (actual.fault() || !Objects.equals(actual.pa(), pa)) {
            failWithMessage("%nExpecting success at pa=0x%s%nbut it was: %s", Long.toHexString(pa), actual.summary());
        }
        return this;
    }

    public WalkOutcomeAssert changedNoMemory() {
        isNotNull();
        if (!actual.memoryAfter().isEmpty()) {
            failWithMessage("%nExpecting no entry to change%nbut these changed: %s",
                    XpfAssertions.hexMap(actual.memoryAfter()));
        }
        return this;
    }

    public WalkOutcomeAssert changedMemory(Map<Long, Long> expected) {
        isNotNull();
        if (!actual.memoryAfter().equals(new java.util.TreeMap<>(expected))) {
            failWithMessage("%nExpecting entries to change to %s%nbut they changed to %s",
                    XpfAssertions.hexMap(expected), XpfAssertions.hexMap(actual.memoryAfter()));
        }
        return this;
    }

    public WalkOutcomeAssert hasCr2(long cr2) {
        isNotNull();
        if (!Objects.equals(actual.cr2(), cr2)) {
            failWithMessage("%nExpecting CR2 0x%s%nbut it was %s", Long.toHexString(cr2),
                    actual.cr2() == null ? "unset" : "0x" + Long.toHexString(actual.cr2()));
        }
        return this;
    }

    /** Convenience for messages in other tests. */
    public static String ec(int v) {
        return PfErrorCode.symbolic(v);
    }
}
