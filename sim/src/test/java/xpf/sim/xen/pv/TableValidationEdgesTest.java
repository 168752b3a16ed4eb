package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.FaultDecisionPointsTest.calls;
import static xpf.sim.xen.pv.MmuUpdateRecordsTest.hex;
import static xpf.sim.xen.pv.MmuUpdateRecordsTest.only;
import static xpf.sim.xen.pv.PvFixture.A;
import static xpf.sim.xen.pv.PvFixture.COW;
import static xpf.sim.xen.pv.PvFixture.DATA;
import static xpf.sim.xen.pv.PvFixture.FOREIGN;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.L1B;
import static xpf.sim.xen.pv.PvFixture.L2;
import static xpf.sim.xen.pv.PvFixture.L2X;
import static xpf.sim.xen.pv.PvFixture.L3;
import static xpf.sim.xen.pv.PvFixture.L4;
import static xpf.sim.xen.pv.PvFixture.NEWDATA;
import static xpf.sim.xen.pv.PvFixture.P;
import static xpf.sim.xen.pv.PvFixture.STACK;
import static xpf.sim.xen.pv.PvFixture.UP;
import static xpf.sim.xen.pv.PvFixture.US;
import static xpf.sim.xen.pv.PvFixture.e;
import static xpf.sim.xen.pv.PvFixture.frame;
import static xpf.sim.xen.pv.PvFixture.mmuext;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.pteAddr;
import static xpf.sim.xen.pv.PvFixture.step;
import static xpf.sim.xen.pv.PvFixture.word;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import xpf.model.scenario.Errno;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.Step;
import xpf.model.scenario.XenProfile;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.xen.mm.PageInfo;
import xpf.sim.xen.mm.PageType;

/**
 * Whole-table validation and de-validation (xen-pv-fault-path.md §4.2-§4.3, §4.6; {@code promote_l1_table},
 * {@code promote_l3_table}, {@code promote_l4_table} via {@code alloc_page_type}, {@code free_page_type} /
 * {@code demote_lN_table}, xen/arch/x86/mm.c, 4.22; 3.1 {@code alloc_lN_table}/{@code free_lN_table}): exactly the
 * 512 entries of the frame are looked at (the next frame's first word is not an entry), a refused entry undoes the
 * references of every entry before it (entry 0 included), Xen's slots of an L4 are neither validated nor undone,
 * upper entries are stored adjusted (US added), and 3.1 flushed the TLBs when a table lost its type.
 *
 * <p>Tables are pinned ({@code MMUEXT_PIN_Ln_TABLE}) on NEWDATA (0x1005), which no entry maps; the frame after it
 * is STACK (0x1006). Reference counts are compared with the same fixture run without steps.
 */
class TableValidationEdgesTest {

    static Step host(long pa, long value) {
        return step(new HostWrite(pa, 8, value));
    }

    static PageInfo.Snapshot baseline(PvFixture f, long mfn) {
        return frame(f.run(), mfn);
    }

    static void assertSameRefs(ScenarioRunner.Run r, PageInfo.Snapshot before) {
        assertThat(frame(r, before.mfn())).hasCount(before.count()).hasType(before.type(), before.typeCount());
    }

    // ---- exactly 512 entries ----

    @ParameterizedTest(name = "PIN_L{0}_TABLE")
    @ValueSource(ints = {1, 2, 3, 4})
    @DisplayName("pv.4.3 promote/demote look at the table's 512 entries only: the next frame's word 0 holds no reference")
    void nextFramesFirstWordIsNoEntry(int level) {
        PageInfo.Snapshot data = baseline(PvFixture.pv64(), DATA);
        // STACK's first word looks like a present read-only entry for DATA (a leaf, or an upper entry to a data frame).
        ScenarioRunner.Run r = PvFixture.pv64().run(host(pteAddr(STACK, 0), e(DATA, P | US | A)),
                mmuext(level - 1, NEWDATA, 0), mmuext(DoMmuextOp.UNPIN_TABLE, NEWDATA, 0));
        assertThat(outcome(r, 1)).returned("mmuext_op", 0);
        assertThat(outcome(r, 2)).returned("mmuext_op", 0);
        assertSameRefs(r, data);
        assertThat(word(r, pteAddr(STACK, 0))).isEqualTo(e(DATA, P | US | A));
    }

    @Test
    @DisplayName("pv.4.3 promote_l1_table: a foreign-looking word just after the table does not fail the pin")
    void promoteL1IgnoresTheNextFrame() {
        ScenarioRunner.Run r = PvFixture.pv64().run(host(pteAddr(STACK, 0), e(FOREIGN, P | US | A)),
                mmuext(0, NEWDATA, 0));
        assertThat(outcome(r, 1)).returned("mmuext_op", 0);
        assertThat(frame(r, NEWDATA)).hasType(PageType.L1_PAGE_TABLE, 1);
        assertThat(only(r, 1, "promote_l1_table")).containsEntry("mfn", hex(NEWDATA)).containsEntry("result", "0");
    }

    // ---- undo on failure ----

    @Test
    @DisplayName("pv.4.3 promote_l1_table: entry 1 refused -> entry 0's reference is dropped again; the record names slot 1")
    void promoteL1UndoesEntryZero() {
        PageInfo.Snapshot data = baseline(PvFixture.pv64(), DATA);
        ScenarioRunner.Run r = PvFixture.pv64().run(host(pteAddr(NEWDATA, 0), e(DATA, P | US | A)),
                host(pteAddr(NEWDATA, 1), e(FOREIGN, P | US | A)), mmuext(0, NEWDATA, 0));
        assertThat(outcome(r, 2)).returned("mmuext_op", -Errno.EBUSY);
        assertSameRefs(r, data);
        assertThat(frame(r, NEWDATA)).hasNoTypeInUse();
        assertThat(only(r, 2, "promote_l1_table")).containsEntry("result", "-EBUSY").containsEntry("slot", "1");
    }

    @Test
    @DisplayName("pv.4.3 promote_l2_table: PSE refused; the reason names the slot and the flag")
    void promoteL2RefusesPse() {
        long pse = e(L1B, UP | xpf.sim.x86.EntryBits.PS);
        ScenarioRunner.Run r = PvFixture.pv64().run(host(pteAddr(NEWDATA, 4), pse), mmuext(1, NEWDATA, 0));
        assertThat(outcome(r, 1)).returned("mmuext_op", -Errno.EINVAL);
        assertThat(only(r, 1, "do_mmuext_op")).containsEntry("why", "L2 " + hex(NEWDATA) + "[4]: -EINVAL (L2 entry "
                + hex(pse) + " has disallowed flags PSE)");
        assertThat(only(r, 1, "promote_l2_table")).containsEntry("result", "-EINVAL").containsEntry("slot", "4");
    }

    @Test
    @DisplayName("pv.4.3 promote_l4_table: a refused guest slot undoes slot 0 but not Xen's slots 256..271 (never validated)")
    void promoteL4UndoSkipsXenSlots() {
        PageInfo.Snapshot l3 = baseline(PvFixture.pv64(), L3);
        PageInfo.Snapshot cow = baseline(PvFixture.pv64(), COW);
        ScenarioRunner.Run r = PvFixture.pv64().run(host(pteAddr(NEWDATA, 0), e(L3, UP)),
                host(pteAddr(NEWDATA, 256), e(COW, P | US | A)), host(pteAddr(NEWDATA, 300), e(FOREIGN, UP)),
                mmuext(DoMmuextOp.PIN_L4_TABLE, NEWDATA, 0));
        assertThat(outcome(r, 3)).returned("mmuext_op", -Errno.EINVAL);
        assertSameRefs(r, l3);
        assertSameRefs(r, cow);
        assertThat(only(r, 3, "promote_l4_table")).containsEntry("result", "-EINVAL").containsEntry("slot", "300");
    }

    @Test
    @DisplayName("pv.4.3 promote_l4_table succeeds with garbage in a Xen slot (Xen rewrites it); guest entries get US")
    void promoteL4StoresAdjustedEntries() {
        ScenarioRunner.Run r = PvFixture.pv64().run(host(pteAddr(NEWDATA, 0), e(L3, P | xpf.sim.x86.EntryBits.RW)),
                host(pteAddr(NEWDATA, 256), e(FOREIGN, UP)), mmuext(DoMmuextOp.PIN_L4_TABLE, NEWDATA, 0));
        assertThat(outcome(r, 2)).returned("mmuext_op", 0);
        // adjust_guest_l4e: US (and A in 4.22) added to what is stored.
        assertThat(word(r, pteAddr(NEWDATA, 0))).isEqualTo(e(L3, P | xpf.sim.x86.EntryBits.RW | US | A));
        assertThat(word(r, pteAddr(NEWDATA, 256))).isZero();
        assertThat(only(r, 2, "promote_l4_table")).containsEntry("result", "0");
    }

    // ---- 32-bit L3 (PAE PDPT) ----

    @Test
    @DisplayName("pv.4.3 32-bit promote_l3_table clears entries 4..511 only: the next frame's word 0 is kept")
    void pv32L3ClearsOnlyItsOwnEntries() {
        // COW (0x1007, mapped read-only) becomes an L3 whose slot 3 is a fresh L2 (NEWDATA); L1B (0x1008) follows.
        ScenarioRunner.Run r = PvFixture.pv32().run(host(pteAddr(L1B, 0), 0x1234), host(pteAddr(COW, 3), e(NEWDATA, P)),
                host(pteAddr(COW, 7), 0x5678), mmuext(2, COW, 0));
        assertThat(outcome(r, 3)).returned("mmuext_op", 0);
        assertThat(word(r, pteAddr(L1B, 0))).isEqualTo(0x1234);
        assertThat(word(r, pteAddr(COW, 7))).isZero();
        assertThat(frame(r, NEWDATA)).hasType(PageType.L2_PAGE_TABLE, 1);
        assertThat(only(r, 3, "promote_l3_table")).containsEntry("mfn", hex(COW)).containsEntry("result", "0");
    }

    @Test
    @DisplayName("pv.4.3 32-bit promote_l3_table: slot 3 empty -> -EINVAL; slot 0's reference is dropped again")
    void pv32L3SlotThreeMissing() {
        PageInfo.Snapshot l2 = baseline(PvFixture.pv32(), L2);
        ScenarioRunner.Run r = PvFixture.pv32().run(host(pteAddr(COW, 0), e(L2, P)), mmuext(2, COW, 0));
        assertThat(outcome(r, 1)).returned("mmuext_op", -Errno.EINVAL);
        assertSameRefs(r, l2);
        assertThat(only(r, 1, "promote_l3_table")).containsEntry("result", "-EINVAL").containsEntry("slot", "3");
        assertThat(only(r, 1, "do_mmuext_op")).containsEntry("why", "L3 " + hex(COW) + "[3]: -EINVAL (L3 " + hex(COW)
                + "[3] must be present with allowed flags (it holds Xen's mappings))");
    }

    @Test
    @DisplayName("pv.4.3 32-bit promote_l3_table: slot 3's L2 must not be shared (another L3 uses it) -> -EINVAL")
    void pv32L3SharedXenL2() {
        PageInfo.Snapshot l2x = baseline(PvFixture.pv32(), L2X);
        ScenarioRunner.Run r = PvFixture.pv32().run(host(pteAddr(COW, 3), e(L2X, P)), mmuext(2, COW, 0));
        assertThat(outcome(r, 1)).returned("mmuext_op", -Errno.EINVAL);
        assertSameRefs(r, l2x);
        assertThat(only(r, 1, "do_mmuext_op").get("why")).isEqualTo("L3 " + hex(COW) + "[3]: -EINVAL (L3 " + hex(COW)
                + "[3]: its L2 is shared)");
    }

    // ---- de-validation ----

    @Test
    @DisplayName("pv.4.2 unpinning an unused L1 de-validates it: demote_l1_table record; 4.22 does not flush there")
    void demoteRecordAndNoFlushIn422() {
        ScenarioRunner.Run r = PvFixture.pv64().run(mmuext(0, NEWDATA, 0), mmuext(DoMmuextOp.UNPIN_TABLE, NEWDATA, 0));
        assertThat(only(r, 1, "demote_l1_table")).containsEntry("mfn", hex(NEWDATA));
        assertThat(calls(r, 1, "flush_tlb_mask")).isEmpty();
        assertThat(frame(r, NEWDATA)).hasNoTypeInUse();
    }

    @Test
    @DisplayName("pv.8 3.1 free_page_type flushed every TLB when a table lost its type (before the linear mapping is reused)")
    void xen31FlushesOnDevalidate() {
        ScenarioRunner.Run r = PvFixture.pv64().profile(XenProfile.XEN_3_1).run(mmuext(0, NEWDATA, 0),
                mmuext(DoMmuextOp.UNPIN_TABLE, NEWDATA, 0));
        assertThat(outcome(r, 1)).returned("mmuext_op", 0);
        assertThat(calls(r, 1, "flush_tlb_mask")).anySatisfy(c -> assertThat(c).containsEntry("why", "free_page_type"));
        // Seen by the guest: a stale translation is gone after the unpin.
        List<Step> steps = new ArrayList<>(List.of(mmuext(0, NEWDATA, 0), PvFixture.read(0x1000),
                host(pteAddr(L1, 1), 0), mmuext(DoMmuextOp.UNPIN_TABLE, NEWDATA, 0), PvFixture.read(0x1000)));
        assertThat(PvFixture.pv64().profile(XenProfile.XEN_3_1).last(steps.toArray(Step[]::new)))
                .isDeliveredPageFault(0, 0x1000);
        assertThat(PvFixture.pv64().last(steps.toArray(Step[]::new))).isCompleted();
    }

    @Test
    @DisplayName("pv.4.6 UNPIN_TABLE of a frame the caller does not own is -EINVAL")
    void unpinForeignFrame() {
        assertThat(PvFixture.pv64().last(mmuext(DoMmuextOp.UNPIN_TABLE, FOREIGN, 0)))
                .returned("mmuext_op", -Errno.EINVAL);
        assertThat(PvFixture.pv64().last(mmuext(DoMmuextOp.UNPIN_TABLE, L4, 0))).returned("mmuext_op", -Errno.EINVAL);
    }
}
