package xpf.sim.x86.assertions;

import java.util.Arrays;
import org.assertj.core.api.AbstractAssert;
import xpf.model.x86.PageSizes;
import xpf.sim.x86.Mmu;

/** Assertions on one {@link Mmu.Result}, with failures printed symbolically. */
public final class MmuResultAssert extends AbstractAssert<MmuResultAssert, Mmu.Result> {

    MmuResultAssert(Mmu.Result actual) {
        super(actual, MmuResultAssert.class);
    }

    public MmuResultAssert isPageFault(int errorCode) {
        isNotNull();
        if (actual.outcome() != Mmu.Outcome.PAGE_FAULT || actual.errorCode() != errorCode) {
            throwAssertionError(ShouldHaveErrorCode.shouldHaveErrorCode(actual.toString(), errorCode, ""));
        }
        return this;
    }

    public MmuResultAssert isOk() {
        isNotNull();
        if (!actual.ok()) {
            failWithMessage("%nExpecting the access to succeed%nbut it was: %s", actual);
        }
        return this;
    }

    public MmuResultAssert translatesTo(long pa) {
        isOk();
        if (actual.pa() != pa) {
            failWithMessage("%nExpecting physical address 0x%s%nbut it was 0x%s", Long.toHexString(pa),
                    Long.toHexString(actual.pa()));
        }
        return this;
    }

    public MmuResultAssert hasPageSize(long size) {
        isOk();
        if (actual.pageSize() != size) {
            failWithMessage("%nExpecting a %s page%nbut it was %s", PageSizes.name(size),
                    PageSizes.name(actual.pageSize()));
        }
        return this;
    }

    public MmuResultAssert isGeneralProtection() {
        isNotNull();
        if (actual.outcome() != Mmu.Outcome.GP) {
            failWithMessage("%nExpecting #GP(0)%nbut it was: %s", actual);
        }
        return this;
    }

    public MmuResultAssert isStackFault() {
        isNotNull();
        if (actual.outcome() != Mmu.Outcome.SS) {
            failWithMessage("%nExpecting #SS(0)%nbut it was: %s", actual);
        }
        return this;
    }

    public MmuResultAssert readEntries(long... slots) {
        isNotNull();
        if (!Arrays.equals(actual.walk(), slots)) {
            failWithMessage("%nExpecting the walk to read entries %s%nbut it read %s", XpfAssertions.hexList(slots),
                    XpfAssertions.hexList(actual.walk()));
        }
        return this;
    }

    public MmuResultAssert cameFrom(Mmu.Source source) {
        isNotNull();
        if (actual.source() != source) {
            failWithMessage("%nExpecting the answer to come from %s%nbut it came from %s (%s)", source,
                    actual.source(), actual);
        }
        return this;
    }
}
