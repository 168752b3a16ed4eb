package xpf.sim.xen.pv.assertions;

import xpf.model.scenario.Outcome;
import xpf.sim.x86.assertions.XpfAssertions;
import xpf.sim.xen.mm.PageInfo;

/** The PV path's AssertJ entry point: everything of {@link XpfAssertions}, plus outcomes and frame snapshots. */
public class PvAssertions extends XpfAssertions {

    public static OutcomeAssert assertThat(Outcome actual) {
        return new OutcomeAssert(actual);
    }

    public static FrameAssert assertThat(PageInfo.Snapshot actual) {
        return new FrameAssert(actual);
    }
}
