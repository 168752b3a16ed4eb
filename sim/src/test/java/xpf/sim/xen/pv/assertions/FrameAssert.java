package xpf.sim.xen.pv.assertions;

import org.assertj.core.api.AbstractAssert;
import xpf.sim.xen.mm.PageInfo;
import xpf.sim.xen.mm.PageType;

/** Assertions on a frame's {@code page_info} snapshot: "frame 0x1003: expecting L1_PAGE_TABLE x1, validated". */
public final class FrameAssert extends AbstractAssert<FrameAssert, PageInfo.Snapshot> {

    FrameAssert(PageInfo.Snapshot actual) {
        super(actual, FrameAssert.class);
    }

    private String was() {
        return actual == null ? "no page_info (nobody owns it)" : String.format(
                "owner d%d count %d type %s x%d%s%s linear %d", actual.owner(), actual.count(), actual.type(),
                actual.typeCount(), actual.validated() ? " validated" : "", actual.pinned() ? " pinned" : "",
                actual.linearPtCount());
    }

    public FrameAssert hasType(PageType type, long typeCount) {
        isNotNull();
        if (actual.type() != type || actual.typeCount() != typeCount) {
            failWithMessage("%nframe 0x%s: expecting %s x%s%nbut it was: %s", Long.toHexString(actual.mfn()), type,
                    typeCount, was());
        }
        return this;
    }

    public FrameAssert hasNoTypeInUse() {
        isNotNull();
        if (actual.typeCount() != 0) {
            failWithMessage("%nframe 0x%s: expecting no type reference%nbut it was: %s",
                    Long.toHexString(actual.mfn()), was());
        }
        return this;
    }

    public FrameAssert hasCount(long count) {
        isNotNull();
        if (actual.count() != count) {
            failWithMessage("%nframe 0x%s: expecting %s general reference(s)%nbut it was: %s",
                    Long.toHexString(actual.mfn()), count, was());
        }
        return this;
    }

    public FrameAssert isValidated() {
        isNotNull();
        if (!actual.validated()) {
            failWithMessage("%nframe 0x%s: expecting a validated type%nbut it was: %s", Long.toHexString(actual.mfn()),
                    was());
        }
        return this;
    }

    public FrameAssert hasLinearPtCount(int n) {
        isNotNull();
        if (actual.linearPtCount() != n) {
            failWithMessage("%nframe 0x%s: expecting linear_pt_count %s%nbut it was: %s",
                    Long.toHexString(actual.mfn()), n, was());
        }
        return this;
    }
}
