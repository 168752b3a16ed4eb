package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.FaultDecisionPointsTest.calls;
import static xpf.sim.xen.pv.HypercallEdgesTest.ext;
import static xpf.sim.xen.pv.HypercallEdgesTest.mmu;
import static xpf.sim.xen.pv.HypercallEdgesTest.uvm;
import static xpf.sim.xen.pv.PvFixture.A;
import static xpf.sim.xen.pv.PvFixture.DATA;
import static xpf.sim.xen.pv.PvFixture.FOREIGN;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.L1B;
import static xpf.sim.xen.pv.PvFixture.L2;
import static xpf.sim.xen.pv.PvFixture.L2X;
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
import static xpf.sim.xen.pv.PvFixture.word;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.Errno;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.x86.EntryBits;
import xpf.sim.xen.mm.FrameTable;

/**
 * What {@code xpf explain} shows for the PV memory hypercalls (xen-pv-fault-path.md §4.6-§4.7; {@code do_mmu_update},
 * {@code mod_l1_entry}, {@code mod_l2_entry}/{@code mod_l3_entry}/{@code mod_l4_entry}, {@code do_mmuext_op},
 * {@code do_update_va_mapping}, {@code map_guest_l1e}, xen/arch/x86/mm.c and pv/mm.c, 4.22): one record per request
 * with its result and the reason of a refusal (which rule of {@code get_page_from_lNe} refused), one
 * {@code mod_lN_entry} record naming the path taken (Xen-private slot, bad flags, fast path, full validation), and
 * the {@code foreigndom} rules that decide who owns the frames.
 */
class MmuUpdateRecordsTest {

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    static Map<String, String> only(ScenarioRunner.Run r, int step, String symbol) {
        assertThat(calls(r, step, symbol)).as("%s records of step %d", symbol, step).hasSize(1);
        return calls(r, step, symbol).get(0);
    }

    // ---- do_mmu_update: one record per request, the refusal's reason ----

    @Test
    @DisplayName("pv.4.7 do_mmu_update records each request (cmd, ptr, val, result); why '-' on success")
    void requestRecordOnSuccess() {
        long val = e(NEWDATA, UP);
        ScenarioRunner.Run r = PvFixture.pv64().run(mmuUpdate(pteAddr(L1, 7), val));
        assertThat(only(r, 0, "do_mmu_update")).containsEntry("request", "0").containsEntry("cmd", "0")
                .containsEntry("ptr", hex(pteAddr(L1, 7))).containsEntry("val", hex(val))
                .containsEntry("result", "0").containsEntry("why", "-");
    }

    @Test
    @DisplayName("pv.3.3 rule 3 get_page_from_l1e: a frame of another domain is -EBUSY; why names its owner")
    void foreignFrameReason() {
        long val = e(FOREIGN, UP);
        ScenarioRunner.Run r = PvFixture.pv64().run(mmuUpdate(pteAddr(L1, 7), val));
        assertThat(outcome(r, 0)).returned("mmu_update", -Errno.EBUSY).withDone(0);
        // The entry as get_page_from_l1e sees it: after adjust_guest_l1e (a user entry gets GLOBAL).
        assertThat(only(r, 0, "do_mmu_update")).containsEntry("result", "-EBUSY")
                .containsEntry("why", "L1 entry " + hex(val | EntryBits.G) + " maps frame " + hex(FOREIGN) + " owned by d2");
        assertThat(only(r, 0, "mod_l1_entry")).containsEntry("result", "-EBUSY")
                .containsEntry("path", "get_page_from_l1e").containsEntry("table", hex(L1)).containsEntry("slot", "7");
    }

    @Test
    @DisplayName("pv.3.3 rule 3: a RAM frame nobody owns is -EBUSY (why: owned by nobody); Xen's frames: by Xen")
    void unownedAndXenFramesReason() {
        long nobody = e(0x3000, UP);
        ScenarioRunner.Run r = PvFixture.pv64().run(mmuUpdate(pteAddr(L1, 7), nobody));
        assertThat(outcome(r, 0)).returned("mmu_update", -Errno.EBUSY);
        assertThat(only(r, 0, "do_mmu_update")).containsEntry("why",
                "L1 entry " + hex(nobody | EntryBits.G) + " maps frame 0x3000 owned by nobody");
        long xen = e(0x10, UP);
        ScenarioRunner.Run x = PvFixture.pv64().run(mmuUpdate(pteAddr(L1, 7), xen));
        assertThat(outcome(x, 0)).returned("mmu_update", -Errno.EBUSY);
        assertThat(only(x, 0, "do_mmu_update")).containsEntry("why",
                "L1 entry " + hex(xen | EntryBits.G) + " maps frame 0x10 owned by Xen");
        // Frame 0 is RAM too (mfn_valid: 0 <= mfn < max_page): Xen's, so -EBUSY, not the I/O path's -EPERM.
        ScenarioRunner.Run zero = PvFixture.pv64().run(mmuUpdate(pteAddr(L1, 7), e(0, UP)));
        assertThat(outcome(zero, 0)).returned("mmu_update", -Errno.EBUSY);
        assertThat(only(zero, 0, "do_mmu_update")).containsEntry("why",
                "L1 entry " + hex(e(0, UP) | EntryBits.G) + " maps frame 0x0 owned by Xen");
    }

    @Test
    @DisplayName("pv.3.3 rule 2 mfn_valid: the first frame beyond RAM (2^28 at MAXPHYADDR 40) is I/O: -EPERM, not -EBUSY")
    void firstFrameBeyondRamIsIo() {
        long beyond = 1L << 28;
        long val = e(beyond, P | US | A);
        ScenarioRunner.Run r = PvFixture.pv64().run(mmuUpdate(pteAddr(L1, 7), val));
        assertThat(outcome(r, 0)).returned("mmu_update", -Errno.EPERM);
        assertThat(only(r, 0, "do_mmu_update")).containsEntry("why", "L1 entry " + hex(val | EntryBits.G)
                + " maps I/O or non-RAM frame " + hex(beyond) + " without I/O-memory permission");
        // The last RAM frame (nobody's) is RAM: -EBUSY.
        assertThat(PvFixture.pv64().last(mmuUpdate(pteAddr(L1, 7), e(beyond - 1, P | US | A))))
                .returned("mmu_update", -Errno.EBUSY);
    }

    @Test
    @DisplayName("pv.4.7 mod_l1_entry: disallowed flags (PCD for a domU) -EINVAL, path 'bad flags', why names them")
    void l1BadFlagsRecord() {
        long val = e(NEWDATA, UP | EntryBits.PCD);
        ScenarioRunner.Run r = PvFixture.pv64().run(mmuUpdate(pteAddr(L1, 7), val));
        assertThat(outcome(r, 0)).returned("mmu_update", -Errno.EINVAL);
        assertThat(only(r, 0, "mod_l1_entry")).containsEntry("result", "-EINVAL").containsEntry("path", "bad flags")
                .containsEntry("new", hex(val));
        assertThat(only(r, 0, "do_mmu_update")).containsEntry("why", "disallowed flags PCD");
    }

    @Test
    @DisplayName("pv.4.7 mod_l1_entry records the stored entry: validated path (adjusted: +G), fast path (A/D only)")
    void l1StoredValueRecords() {
        long val = e(NEWDATA, UP);
        ScenarioRunner.Run r = PvFixture.pv64().run(mmuUpdate(pteAddr(L1, 7), val),
                mmuUpdate(pteAddr(L1, 7), val | EntryBits.D));
        long stored = word(r, pteAddr(L1, 7));
        assertThat(stored).isEqualTo(val | EntryBits.D | EntryBits.G);
        assertThat(only(r, 0, "mod_l1_entry")).containsEntry("path", "validated").containsEntry("old", "0x0")
                .containsEntry("new", hex(val | EntryBits.G)).containsEntry("result", "0");
        assertThat(only(r, 1, "mod_l1_entry")).containsEntry("path", "fast path")
                .containsEntry("old", hex(val | EntryBits.G)).containsEntry("new", hex(stored));
    }

    @Test
    @DisplayName("pv.4.7 / XSA-182 an I/O-capable domain adding PCD to a RAM mapping takes the full path (PCD not whitelisted)")
    void cacheAttributeChangeIsNotFastPath() {
        PvFixture f = PvFixture.pv64().param("mmio_mfn", 0xfee00);
        long val = e(NEWDATA, UP);
        ScenarioRunner.Run r = f.run(mmuUpdate(pteAddr(L1, 7), val),
                mmuUpdate(pteAddr(L1, 7), val | EntryBits.PCD));
        assertThat(outcome(r, 1)).returned("mmu_update", 0);
        assertThat(only(r, 1, "mod_l1_entry")).containsEntry("path", "validated");
        assertThat(word(r, pteAddr(L1, 7))).isEqualTo(val | EntryBits.PCD | EntryBits.G);
    }

    // ---- mod_l2/l3/l4_entry records ----

    @Test
    @DisplayName("pv.4.7 mod_l4_entry: a Xen slot (256) is -EINVAL, path 'Xen-private slot'")
    void l4XenSlotRecord() {
        ScenarioRunner.Run r = PvFixture.pv64().run(mmuUpdate(pteAddr(L4, 256), e(L1B, UP)));
        assertThat(outcome(r, 0)).returned("mmu_update", -Errno.EINVAL);
        assertThat(only(r, 0, "mod_l4_entry")).containsEntry("result", "-EINVAL")
                .containsEntry("path", "Xen-private slot").containsEntry("slot", "256");
    }

    @Test
    @DisplayName("pv.4.7 mod_l2_entry: a 32-bit guest's Xen L2 slot (>= 428 of the L2 in L3 slot 3) is -EPERM")
    void l2XenSlotRecord() {
        ScenarioRunner.Run r = PvFixture.pv32().run(mmuUpdate(pteAddr(L2X, 500), e(L1B, P | A)));
        assertThat(outcome(r, 0)).returned("mmu_update", -Errno.EPERM);
        assertThat(only(r, 0, "mod_l2_entry")).containsEntry("result", "-EPERM")
                .containsEntry("path", "Xen-private slot");
    }

    @Test
    @DisplayName("pv.4.7 mod_l3_entry: a 32-bit guest's L3 slot 3 is -EINVAL, path '32-bit L3 slot >= 3'")
    void l3SlotThreeRecord() {
        ScenarioRunner.Run r = PvFixture.pv32().run(mmuUpdate(pteAddr(L4, 3), e(L1B, P)));
        assertThat(outcome(r, 0)).returned("mmu_update", -Errno.EINVAL);
        assertThat(only(r, 0, "mod_l3_entry")).containsEntry("path", "32-bit L3 slot >= 3");
    }

    @Test
    @DisplayName("pv.4.3 mod_l2_entry: PSE is in L2_DISALLOW_MASK: -EINVAL, path 'bad flags', why 'disallowed flags PSE'")
    void l2PseRecord() {
        long val = e(L1B, UP | EntryBits.PS);
        ScenarioRunner.Run r = PvFixture.pv64().run(mmuUpdate(pteAddr(L2, 1), val));
        assertThat(outcome(r, 0)).returned("mmu_update", -Errno.EINVAL);
        assertThat(only(r, 0, "mod_l2_entry")).containsEntry("path", "bad flags").containsEntry("new", hex(val));
        assertThat(only(r, 0, "do_mmu_update")).containsEntry("why", "disallowed flags PSE");
    }

    @Test
    @DisplayName("pv.4.7 mod_l2_entry paths: validated (new L1, stored with US), fast path (A/D), refused target")
    void l2PathRecords() {
        long val = e(L1B, P | EntryBits.RW | A);
        ScenarioRunner.Run r = PvFixture.pv64().run(mmuUpdate(pteAddr(L2, 1), val),
                mmuUpdate(pteAddr(L2, 1), val | EntryBits.D), mmuUpdate(pteAddr(L2, 2), e(FOREIGN, UP)));
        assertThat(only(r, 0, "mod_l2_entry")).containsEntry("path", "validated").containsEntry("result", "0")
                .containsEntry("new", hex(val | US)).containsEntry("old", "0x0");
        assertThat(only(r, 1, "mod_l2_entry")).containsEntry("path", "fast path")
                .containsEntry("new", hex(val | US | EntryBits.D));
        assertThat(only(r, 2, "mod_l2_entry")).containsEntry("path", "get_page_from_l2e")
                .containsEntry("result", "-EINVAL");
        assertThat(only(r, 2, "do_mmu_update")).containsEntry("why",
                "frame " + hex(FOREIGN) + " is owned by d2, not d1");
    }

    // ---- stale reasons: every request starts with an empty failure note ----

    @Test
    @DisplayName("pv.4.7 a refusal's reason is not carried into the next hypercall's record (mmu_update, mmuext, uvm)")
    void reasonsDoNotLeak() {
        var bad = mmuUpdate(pteAddr(L1, 7), e(FOREIGN, UP));
        ScenarioRunner.Run r = PvFixture.pv64().run(bad, mmuUpdate(pteAddr(L1, 8), e(NEWDATA, UP)),
                bad, mmuext(DoMmuextOp.TLB_FLUSH_LOCAL, 0, 0),
                bad, uvm(0x7000, e(NEWDATA, UP), 0));
        assertThat(only(r, 0, "do_mmu_update").get("why")).startsWith("L1 entry");
        assertThat(only(r, 1, "do_mmu_update")).containsEntry("result", "0").containsEntry("why", "-");
        assertThat(only(r, 3, "do_mmuext_op")).containsEntry("result", "0").containsEntry("why", "-")
                .containsEntry("cmd", String.valueOf(DoMmuextOp.TLB_FLUSH_LOCAL));
        assertThat(only(r, 5, "do_update_va_mapping")).containsEntry("result", "0").containsEntry("why", "-");
    }

    @Test
    @DisplayName("pv.4.6 do_mmuext_op's record names the refusal (pinning a frame with a foreign entry)")
    void mmuextRecordsTheReason() {
        PvFixture f = PvFixture.pv64();
        long bad = e(FOREIGN, P | US | A);
        ScenarioRunner.Run r = f.run(PvFixture.step(new xpf.model.scenario.HostWrite(pteAddr(NEWDATA, 2), 8, bad)),
                mmuext(0, NEWDATA, 0));
        assertThat(outcome(r, 1)).returned("mmuext_op", -Errno.EBUSY);
        assertThat(only(r, 1, "do_mmuext_op")).containsEntry("result", "-EBUSY").containsEntry("op", "0")
                .containsEntry("arg1", hex(NEWDATA)).containsEntry("why", "L1 " + hex(NEWDATA) + "[2]: -EBUSY (L1 entry "
                        + hex(bad) + " maps frame " + hex(FOREIGN) + " owned by d2)");
    }

    @Test
    @DisplayName("pv.4.7 do_update_va_mapping's record: result and why (a foreign frame), map_guest_l1e's L1 frame")
    void updateVaMappingRecords() {
        long bad = e(FOREIGN, UP);
        ScenarioRunner.Run r = PvFixture.pv64().run(uvm(0x7000, bad, 0), uvm(0x7000, e(NEWDATA, UP), 0));
        assertThat(only(r, 0, "do_update_va_mapping")).containsEntry("result", "-EBUSY").containsEntry("va", "0x7000")
                .containsEntry("why", "L1 entry " + hex(bad | EntryBits.G) + " maps frame " + hex(FOREIGN) + " owned by d2");
        assertThat(only(r, 1, "map_guest_l1e")).containsEntry("va", "0x7000").containsEntry("gl1mfn", hex(L1))
                .containsEntry("l2e", hex(word(r, pteAddr(L2, 0))));
        // A superpage L2 entry: the record shows the L2 entry that was read.
        long pse = e(0x1200, UP | EntryBits.PS);
        ScenarioRunner.Run s = PvFixture.pv64().run(PvFixture.step(new xpf.model.scenario.HostWrite(pteAddr(L2, 1), 8,
                pse)), uvm(0x200000, e(NEWDATA, UP), 0));
        assertThat(only(s, 1, "map_guest_l1e")).containsEntry("result", "NULL").containsEntry("l2e", hex(pse));
        // No L2 entry at all: 0.
        ScenarioRunner.Run none = PvFixture.pv64().run(uvm(0x400000, e(NEWDATA, UP), 0));
        assertThat(only(none, 0, "map_guest_l1e")).containsEntry("result", "NULL").containsEntry("l2e", "0x0");
    }

    // ---- foreigndom ----

    @Test
    @DisplayName("pv.4.7 do_mmu_update records why a foreigndom is refused: foreign PFD, or FD = own id")
    void foreigndomRecords() {
        int self = HypercallEdgesTest.domid();
        ScenarioRunner.Run pfd = PvFixture.pv64().run(mmu(((self + 2) << 16) | PvLayout.DOMID_SELF, pteAddr(L1, 7),
                e(NEWDATA, UP)));
        assertThat(only(pfd, 0, "do_mmu_update")).containsEntry("result", "-ESRCH")
                .containsEntry("why", "foreign page-table owner not modelled");
        ScenarioRunner.Run fd = PvFixture.pv64().run(mmu(self, pteAddr(L1, 7), e(NEWDATA, UP)));
        assertThat(only(fd, 0, "do_mmu_update")).containsEntry("result", "-ESRCH")
                .containsEntry("foreigndom", String.valueOf(self));
    }

    @Test
    @DisplayName("pv.4.7 FD = DOMID_IO for the hardware domain (d0) is still DOMID_IO: no L2 update, no MACHPHYS_UPDATE")
    void domidIoIsNotTheHardwareDomain() {
        PvFixture f = PvFixture.pv64();
        f.hardwareDomain = true;
        ScenarioRunner.Run r = f.run(mmu(FrameTable.DOMID_IO, pteAddr(L2, 1), e(L1B, UP)));
        assertThat(outcome(r, 0)).returned("mmu_update", -Errno.EINVAL);
        assertThat(word(r, pteAddr(L2, 1))).isZero();
        PvFixture g = PvFixture.pv64();
        g.hardwareDomain = true;
        assertThat(g.last(mmu(FrameTable.DOMID_IO, (NEWDATA << 12) | DoMmuUpdate.MMU_MACHPHYS_UPDATE, 0x55)))
                .returned("mmu_update", -Errno.EINVAL);
        PvFixture h = PvFixture.pv64();
        h.hardwareDomain = true;
        assertThat(h.last(ext(FrameTable.DOMID_IO, DoMmuextOp.NEW_BASEPTR, L4, 0))).returned("mmuext_op", -Errno.EPERM);
    }

    // ---- the frame an update lands in ----

    @Test
    @DisplayName("pv.4.7 a normal update of a frame mapped writable (type writable, count 1) is a plain store")
    void plainStoreIntoAWritableFrame() {
        ScenarioRunner.Run before = PvFixture.pv64().run();
        ScenarioRunner.Run r = PvFixture.pv64().run(mmuUpdate(pteAddr(DATA, 3), 0x1234));
        assertThat(outcome(r, 0)).returned("mmu_update", 0);
        assertThat(word(r, pteAddr(DATA, 3))).isEqualTo(0x1234);
        assertThat(only(r, 0, "paging_write_guest_entry")).containsEntry("mfn", hex(DATA)).containsEntry("slot", "3")
                .containsEntry("val", "0x1234");
        // The lookup's general reference is given back.
        assertThat(frame(r, DATA)).hasCount(frame(before, DATA).count())
                .hasType(frame(before, DATA).type(), frame(before, DATA).typeCount());
        // A frame that is not the caller's RAM: the lookup fails.
        ScenarioRunner.Run foreign = PvFixture.pv64().run(mmuUpdate(pteAddr(FOREIGN, 3), 0x1234));
        assertThat(outcome(foreign, 0)).returned("mmu_update", -Errno.EINVAL);
        assertThat(only(foreign, 0, "get_page_from_gfn")).containsEntry("result", "none")
                .containsEntry("mfn", hex(FOREIGN));
    }

    @Test
    @DisplayName("pv.4.7 log-dirty off: a page-table update marks nothing dirty")
    void noDirtyTrackingWithoutLogDirty() {
        ScenarioRunner.Run r = PvFixture.pv64().run(mmuUpdate(pteAddr(L1, 7), e(NEWDATA, UP)),
                mmuUpdate(pteAddr(L2, 1), e(L1B, UP)));
        assertThat(outcome(r, 1)).returned("mmu_update", 0);
        assertThat(PvFixture.view(r).dirtyFrames()).isEmpty();
    }

    @Test
    @DisplayName("pv.3.3 a ptwr refusal and a refused guest CR3 load name their own reason, not an earlier hypercall's")
    void ptwrAndCr3ReasonsDoNotLeak() {
        var bad = mmuUpdate(pteAddr(L1, 7), e(FOREIGN, UP));
        long pcd = e(NEWDATA, UP | EntryBits.PCD);
        ScenarioRunner.Run r = PvFixture.pv64().run(bad, PvFixture.write(PvFixture.VA_L1 + 72, 8, pcd,
                xpf.model.scenario.Insn.MOV), bad, PvFixture.step(new xpf.model.scenario.ControlWrite(FOREIGN << 12,
                java.util.Set.of(), java.util.Set.of(), null, null)));
        assertThat(calls(r, 1, "ptwr_emulated_update")).singleElement().satisfies(c -> assertThat(c.get("why"))
                .isEqualTo("get_page_from_l1e: -EINVAL (L1 entry " + hex(pcd) + " has disallowed flags PCD)"));
        assertThat(outcome(r, 3)).isDelivered(13, 0);
        assertThat(r.trace().eventsOfStep(3)).anySatisfy(ev -> assertThat(ev.name())
                .isEqualTo("Failed to load CR3 (-EINVAL): frame " + hex(FOREIGN) + " is owned by d2, not d1"));
    }

    @Test
    @DisplayName("pv.4.7 an L2 update with FD = DOMID_IO (FD != PFD) is -EINVAL and gives back the lookup's reference")
    void upperUpdateForOtherPageOwnerKeepsCounts() {
        ScenarioRunner.Run before = PvFixture.pv64().run();
        ScenarioRunner.Run r = PvFixture.pv64().run(mmu(FrameTable.DOMID_IO, pteAddr(L2, 1), e(L1B, UP)));
        assertThat(outcome(r, 0)).returned("mmu_update", -Errno.EINVAL);
        assertThat(frame(r, L2)).hasCount(frame(before, L2).count())
                .hasType(frame(before, L2).type(), frame(before, L2).typeCount());
    }
}
