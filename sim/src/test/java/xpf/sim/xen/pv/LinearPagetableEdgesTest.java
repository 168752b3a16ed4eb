package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.MmuUpdateRecordsTest.hex;
import static xpf.sim.xen.pv.MmuUpdateRecordsTest.only;
import static xpf.sim.xen.pv.PvFixture.A;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.L1B;
import static xpf.sim.xen.pv.PvFixture.L4;
import static xpf.sim.xen.pv.PvFixture.NEWDATA;
import static xpf.sim.xen.pv.PvFixture.P;
import static xpf.sim.xen.pv.PvFixture.UP;
import static xpf.sim.xen.pv.PvFixture.US;
import static xpf.sim.xen.pv.PvFixture.e;
import static xpf.sim.xen.pv.PvFixture.frame;
import static xpf.sim.xen.pv.PvFixture.mmuUpdate;
import static xpf.sim.xen.pv.PvFixture.mmuext;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.pteAddr;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.Errno;
import xpf.model.scenario.Step;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.xen.mm.PageInfo;
import xpf.sim.xen.mm.PageType;

/**
 * Linear (same-level) page tables at L4 (xen-pv-fault-path.md §4.4; {@code define_get_linear_pagetable} /
 * {@code get_l4_linear_pagetable}, {@code put_page_from_l4e} / {@code put_pt_page}, xen/arch/x86/mm.c, 4.22, and the
 * XSA-240 depth limit): the entry must be read-only and name an already validated L4 of the same domain; it holds
 * one type reference on the target; {@code linear_pt_count} is +1 on the containing table and -1 on the target, and
 * a table may not be both (depth one). Removing the entry gives all of it back, so the same entry can be made again.
 *
 * <p>The second L4 is NEWDATA (0x1005), pinned with {@code MMUEXT_PIN_L4_TABLE}; the guest's L4 (0x1000) gets the
 * linear entry in slot 5.
 */
class LinearPagetableEdgesTest {
    static final long RO = P | US | A;

    static Step pinL4(long mfn) {
        return mmuext(DoMmuextOp.PIN_L4_TABLE, mfn, 0);
    }

    @Test
    @DisplayName("pv.4.4 a read-only L4 entry to another validated L4: accepted; type ref and linear counts +1 / -1")
    void linearEntryAccepted() {
        ScenarioRunner.Run r = PvFixture.pv64().run(pinL4(NEWDATA), mmuUpdate(pteAddr(L4, 5), e(NEWDATA, RO)));
        assertThat(outcome(r, 1)).returned("mmu_update", 0);
        assertThat(frame(r, NEWDATA)).hasType(PageType.L4_PAGE_TABLE, 2).hasLinearPtCount(-1);
        assertThat(frame(r, L4)).hasLinearPtCount(1);
        assertThat(only(r, 1, "get_l4_linear_pagetable")).containsEntry("result", "linear")
                .containsEntry("table", hex(L4)).containsEntry("target", hex(NEWDATA));
    }

    @Test
    @DisplayName("pv.4.4 removing the linear entry gives back the type ref and both linear counts; it can be made again")
    void linearEntryRemovedAndRemade() {
        ScenarioRunner.Run r = PvFixture.pv64().run(pinL4(NEWDATA), mmuUpdate(pteAddr(L4, 5), e(NEWDATA, RO)),
                mmuUpdate(pteAddr(L4, 5), 0));
        assertThat(outcome(r, 2)).returned("mmu_update", 0);
        assertThat(frame(r, NEWDATA)).hasType(PageType.L4_PAGE_TABLE, 1).hasLinearPtCount(0);
        assertThat(frame(r, L4)).hasLinearPtCount(0);
        // After the removal NEWDATA may itself contain a linear entry (it is no longer a target).
        ScenarioRunner.Run again = PvFixture.pv64().run(pinL4(NEWDATA), pinL4(L1B),
                mmuUpdate(pteAddr(L4, 5), e(NEWDATA, RO)), mmuUpdate(pteAddr(L4, 5), 0),
                mmuUpdate(pteAddr(NEWDATA, 5), e(L1B, RO)));
        assertThat(outcome(again, 4)).returned("mmu_update", 0);
        assertThat(frame(again, NEWDATA)).hasLinearPtCount(1);
        assertThat(frame(again, L1B)).hasLinearPtCount(-1);
    }

    @Test
    @DisplayName("pv.4.4 / XSA-240 a linear target may not contain linear entries: -EINVAL, no reference kept")
    void targetCannotContainLinearEntries() {
        ScenarioRunner.Run base = PvFixture.pv64().run(pinL4(NEWDATA), pinL4(L1B),
                mmuUpdate(pteAddr(L4, 5), e(NEWDATA, RO)));
        PageInfo.Snapshot l1b = frame(base, L1B);
        ScenarioRunner.Run r = PvFixture.pv64().run(pinL4(NEWDATA), pinL4(L1B),
                mmuUpdate(pteAddr(L4, 5), e(NEWDATA, RO)), mmuUpdate(pteAddr(NEWDATA, 5), e(L1B, RO)));
        assertThat(outcome(r, 3)).returned("mmu_update", -Errno.EINVAL);
        assertThat(frame(r, L1B)).hasCount(l1b.count()).hasType(PageType.L4_PAGE_TABLE, l1b.typeCount())
                .hasLinearPtCount(0);
        assertThat(only(r, 3, "do_mmu_update")).containsEntry("why",
                "L4 " + hex(NEWDATA) + " is itself used as a linear page table (XSA-240 depth)");
    }

    @Test
    @DisplayName("pv.4.4 / XSA-240 a table that contains linear entries may not be a linear target: -EINVAL")
    void containerCannotBeATarget() {
        ScenarioRunner.Run base = PvFixture.pv64().run(pinL4(NEWDATA), pinL4(L1B),
                mmuUpdate(pteAddr(L4, 5), e(NEWDATA, RO)));
        PageInfo.Snapshot l4 = frame(base, L4);
        // L1B (an L4) points at the guest's L4, which already contains a linear entry.
        ScenarioRunner.Run r = PvFixture.pv64().run(pinL4(NEWDATA), pinL4(L1B),
                mmuUpdate(pteAddr(L4, 5), e(NEWDATA, RO)), mmuUpdate(pteAddr(L1B, 5), e(L4, RO)));
        assertThat(outcome(r, 3)).returned("mmu_update", -Errno.EINVAL);
        assertThat(frame(r, L4)).hasCount(l4.count()).hasType(PageType.L4_PAGE_TABLE, l4.typeCount())
                .hasLinearPtCount(1);
        assertThat(frame(r, L1B)).hasLinearPtCount(0);
        assertThat(only(r, 3, "do_mmu_update")).containsEntry("why",
                "L4 " + hex(L4) + " already contains linear entries (XSA-240 depth)");
    }

    @Test
    @DisplayName("pv.4.4 the linear rule: RW refused; a target that is not a validated L4 refused (why names the rule)")
    void linearRuleRefusals() {
        ScenarioRunner.Run rw = PvFixture.pv64().run(pinL4(NEWDATA), mmuUpdate(pteAddr(L4, 5), e(NEWDATA, UP)));
        assertThat(outcome(rw, 1)).returned("mmu_update", -Errno.EINVAL);
        assertThat(only(rw, 1, "do_mmu_update")).containsEntry("why",
                "L4 entry " + hex(e(NEWDATA, UP)) + ": linear page table with write permission");
        // The guest's L1 is an L1: neither an L3 (next level) nor an L4 (same level).
        ScenarioRunner.Run l1 = PvFixture.pv64().run(mmuUpdate(pteAddr(L4, 5), e(L1, RO)));
        assertThat(outcome(l1, 0)).returned("mmu_update", -Errno.EINVAL);
        assertThat(only(l1, 0, "do_mmu_update")).containsEntry("why",
                "linear target " + hex(L1) + " is not a validated L4 table");
    }

    @Test
    @DisplayName("xsa-240 seeded (no linear_pt_count): adding and removing a linear entry leaves both counts at 0")
    void seededXsa240KeepsNoCounts() {
        ScenarioRunner.Run r = PvFixture.pv64().bug("xsa-240").run(pinL4(NEWDATA),
                mmuUpdate(pteAddr(L4, 5), e(NEWDATA, RO)), mmuUpdate(pteAddr(L4, 5), 0));
        assertThat(outcome(r, 1)).returned("mmu_update", 0);
        assertThat(outcome(r, 2)).returned("mmu_update", 0);
        assertThat(frame(r, NEWDATA)).hasType(PageType.L4_PAGE_TABLE, 1).hasLinearPtCount(0);
        assertThat(frame(r, L4)).hasLinearPtCount(0);
    }
}
