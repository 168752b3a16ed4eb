package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.PvFixture.A;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.L2;
import static xpf.sim.xen.pv.PvFixture.P;
import static xpf.sim.xen.pv.PvFixture.UP;
import static xpf.sim.xen.pv.PvFixture.US;
import static xpf.sim.xen.pv.PvFixture.e;
import static xpf.sim.xen.pv.PvFixture.frame;
import static xpf.sim.xen.pv.PvFixture.mmuUpdate;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.pteAddr;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.x86.EntryBits;
import xpf.sim.xen.mm.PageInfo;
import xpf.sim.xen.mm.PageType;

/**
 * Removing a 2 MiB (PSE) L2 entry: {@code put_page_from_l2e} hands a superpage to {@code put_data_pages}
 * (xen/arch/x86/mm.c, 4.22), which drops one reference on each of the 512 frames it maps: general + writable type
 * for an RW entry ({@code put_page_and_type}), general only for a read-only one ({@code put_page}). A PV guest can
 * only get such an entry through the seeded XSA-148 (xen-pv-fault-path.md §4.5, §9: PSE slips in through the
 * {@code mod_l2_entry} fast path), which takes no reference on those frames; the removal then drops references the
 * entry never held, which is the advisory's damage.
 *
 * <p>Layout (as {@code BugSwitchTest.superpageSetup}): a 2 MiB-aligned L1 at frame 0x1200 behind L2[1]; frame 0x1201
 * (inside the 2 MiB) is a data frame mapped writable by L1[7]; frame 0x1400 (the first frame after the 2 MiB) is a
 * data frame mapped writable by L1[8].
 */
class SuperpageRemovalTest {
    static final long BIG = 0x1200;
    static final long INSIDE = 0x1201;
    static final long AFTER = 0x1400;

    static PvFixture setup(long l2Flags) {
        PvFixture f = PvFixture.pv64().bug("xsa-148");
        f.frames.put("l1big", BIG);
        f.frames.put("inside", INSIDE);
        f.frames.put("after", AFTER);
        f.pte(L2, 1, e(BIG, l2Flags));
        f.pte(L1, 7, e(INSIDE, UP)).pte(L1, 8, e(AFTER, UP));
        return f;
    }

    /** Install the PSE bit through the fast path, then clear the entry. */
    static ScenarioRunner.Run addAndRemove(long l2Flags) {
        ScenarioRunner.Run r = setup(l2Flags).run(mmuUpdate(pteAddr(L2, 1), e(BIG, l2Flags | EntryBits.PS)),
                mmuUpdate(pteAddr(L2, 1), 0));
        assertThat(outcome(r, 0)).returned("mmu_update", 0);
        assertThat(outcome(r, 1)).returned("mmu_update", 0);
        return r;
    }

    @Test
    @DisplayName("xsa-148 seeded: removing an RW 2 MiB entry drops a general and a writable-type ref on each frame in it")
    void readWriteSuperpageDropsGeneralAndTypeRefs() {
        PageInfo.Snapshot inside = frame(setup(UP).run(), INSIDE);
        assertThat(inside).hasType(PageType.WRITABLE, 1).hasCount(1);
        ScenarioRunner.Run r = addAndRemove(UP);
        assertThat(frame(r, INSIDE)).hasCount(0).hasNoTypeInUse();
        // The frame after the 2 MiB is not part of it.
        assertThat(frame(r, AFTER)).hasType(PageType.WRITABLE, 1).hasCount(1);
        // The L1 at the start of the 2 MiB: the entry's own L1 references go too.
        assertThat(frame(r, BIG)).hasNoTypeInUse().hasCount(0);
    }

    @Test
    @DisplayName("xsa-148 seeded: removing a read-only 2 MiB entry drops only the general ref of each frame in it")
    void readOnlySuperpageDropsGeneralRefsOnly() {
        ScenarioRunner.Run r = addAndRemove(P | US | A);
        assertThat(frame(r, INSIDE)).hasCount(0).hasType(PageType.WRITABLE, 1);
        assertThat(frame(r, AFTER)).hasType(PageType.WRITABLE, 1).hasCount(1);
    }
}
