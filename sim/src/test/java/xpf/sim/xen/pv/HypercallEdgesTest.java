package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.FaultDecisionPointsTest.calls;
import static xpf.sim.xen.pv.PvFixture.A;
import static xpf.sim.xen.pv.PvFixture.DATA;
import static xpf.sim.xen.pv.PvFixture.FOREIGN;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.L1B;
import static xpf.sim.xen.pv.PvFixture.L2;
import static xpf.sim.xen.pv.PvFixture.NEWDATA;
import static xpf.sim.xen.pv.PvFixture.P;
import static xpf.sim.xen.pv.PvFixture.UP;
import static xpf.sim.xen.pv.PvFixture.US;
import static xpf.sim.xen.pv.PvFixture.e;
import static xpf.sim.xen.pv.PvFixture.frame;
import static xpf.sim.xen.pv.PvFixture.hypercall;
import static xpf.sim.xen.pv.PvFixture.implicitRead;
import static xpf.sim.xen.pv.PvFixture.mmuext;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.pteAddr;
import static xpf.sim.xen.pv.PvFixture.read;
import static xpf.sim.xen.pv.PvFixture.step;
import static xpf.sim.xen.pv.PvFixture.word;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.Errno;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.HypercallOp;
import xpf.model.scenario.HypercallOp.MmuUpdate.Request;
import xpf.model.scenario.Step;
import xpf.model.scenario.XenProfile;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.x86.EntryBits;
import xpf.sim.xen.mm.FrameTable;
import xpf.sim.xen.mm.PageType;

/**
 * The hypercalls of the PV memory interface at the edges the first tests left open (xen-pv-fault-path.md §4.6-§4.7,
 * §9 XSA-279; {@code do_mmu_update}, {@code do_mmuext_op}, {@code __do_update_va_mapping}, xen/arch/x86/mm.c):
 * the {@code foreigndom} halves (FD and PFD+1), {@code DOMID_IO} as the page owner, the frame types a normal update
 * dispatches on, log-dirty marking, the pin commands' levels, the "self only" commands, SET_LDT's re-load rule,
 * CLEAR/COPY_PAGE, and which TLB entries each flush flag drops (observed through a stale translation: the guest
 * reads a page whose PTE was cleared behind Xen's back; the read completes until the TLB entry is flushed).
 */
class HypercallEdgesTest {

    static Step mmu(int foreignDom, long ptr, long val) {
        return hypercall(new HypercallOp.MmuUpdate(List.of(new Request(ptr, val)), foreignDom));
    }

    static Step ext(int foreignDom, int cmd, long arg1, long arg2) {
        return hypercall(new HypercallOp.MmuextOp(List.of(new HypercallOp.MmuextOp.Request(cmd, arg1, arg2)),
                foreignDom));
    }

    static Step uvm(long va, long val, long flags) {
        return hypercall(new HypercallOp.UpdateVaMapping(va, val, flags));
    }

    /** The guest's domain id (assigned by the runner). */
    static int domid() {
        return PvFixture.view(PvFixture.pv64().run()).domid();
    }

    // ---- do_mmu_update: foreigndom ----

    @Test
    @DisplayName("pv.4.7 foreigndom's PFD half naming the caller itself (domid+1 << 16) is accepted; another -ESRCH")
    void pageTableOwnerHalf() {
        int self = domid();
        ScenarioRunner.Run ok = PvFixture.pv64().run(mmu(((self + 1) << 16) | PvLayout.DOMID_SELF, pteAddr(L1, 7),
                e(NEWDATA, UP)));
        assertThat(outcome(ok, 0)).returned("mmu_update", 0).withDone(1);
        assertThat(Pte.mfn(word(ok, pteAddr(L1, 7)))).isEqualTo(NEWDATA);
        ScenarioRunner.Run other = PvFixture.pv64().run(mmu(((self + 2) << 16) | PvLayout.DOMID_SELF,
                pteAddr(L1, 7), e(NEWDATA, UP)));
        assertThat(outcome(other, 0)).returned("mmu_update", -Errno.ESRCH).withDone(0);
        assertThat(word(other, pteAddr(L1, 7))).isZero();
    }

    @Test
    @DisplayName("pv.4.7 foreigndom = the caller's own id is refused (-ESRCH: cannot specify itself as foreign)")
    void ownIdAsForeignDomainIsRefused() {
        assertThat(PvFixture.pv64().last(mmu(domid(), pteAddr(L1, 7), e(NEWDATA, UP))))
                .returned("mmu_update", -Errno.ESRCH);
        assertThat(PvFixture.pv64().last(ext(domid(), DoMmuextOp.TLB_FLUSH_LOCAL, 0, 0)))
                .returned("mmuext_op", -Errno.ESRCH).withDone(0);
    }

    @Test
    @DisplayName("pv.4.7 FD = DOMID_IO: an I/O frame the domain may access is mapped; its own RAM is not (-EBUSY)")
    void domidIoAsPageOwner() {
        ScenarioRunner.Run io = PvFixture.pv64().param("mmio_mfn", 0xfee00).run(mmu(FrameTable.DOMID_IO,
                pteAddr(L1, 9), e(0xfee00, P | US | A | EntryBits.PCD | EntryBits.PWT)));
        assertThat(outcome(io, 0)).returned("mmu_update", 0);
        assertThat(Pte.mfn(word(io, pteAddr(L1, 9)))).isEqualTo(0xfee00);
        assertThat(PvFixture.pv64().last(mmu(FrameTable.DOMID_IO, pteAddr(L1, 9), e(NEWDATA, UP))))
                .returned("mmu_update", -Errno.EBUSY);
        // An L2 entry is a page-table-to-page-table reference: only when FD is the page-table owner (-EINVAL).
        assertThat(PvFixture.pv64().last(mmu(FrameTable.DOMID_IO, pteAddr(L2, 1), e(L1B, UP))))
                .returned("mmu_update", -Errno.EINVAL);
        // MACHPHYS_UPDATE: the frame must be owned by FD; the caller's own RAM is not DOMID_IO's.
        assertThat(PvFixture.pv64().last(mmu(FrameTable.DOMID_IO, (NEWDATA << 12) | 1, 0x55)))
                .returned("mmu_update", -Errno.EINVAL);
    }

    // ---- do_mmu_update: dispatch on the frame's type, log-dirty ----

    @Test
    @DisplayName("pv.4.7 a normal update of a segment-descriptor page (an LDT in use) is -EINVAL, nothing stored")
    void updateOfADescriptorPageIsRefused() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1, 7, e(NEWDATA, P | US | A));
        ScenarioRunner.Run r = f.run(mmuext(DoMmuextOp.SET_LDT, 0x7000, 16),
                implicitRead(PvLayout.GDT_LDT_VIRT_START + 0x10008), PvFixture.mmuUpdate(pteAddr(NEWDATA, 5), 0x77));
        assertThat(frame(r, NEWDATA)).hasType(PageType.SEG_DESC, 1);
        assertThat(outcome(r, 2)).returned("mmu_update", -Errno.EINVAL).withDone(0);
        assertThat(word(r, pteAddr(NEWDATA, 5))).isZero();
    }

    @Test
    @DisplayName("pv.4.7 log-dirty: a plain store, an L1 update and MACHPHYS_UPDATE each mark their frame dirty")
    void mmuUpdateMarksFramesDirty() {
        ScenarioRunner.Run plain = PvFixture.pv64().param("log_dirty", 1).run(PvFixture.mmuUpdate(
                pteAddr(NEWDATA, 3), 0x1234));
        assertThat(PvFixture.view(plain).dirtyFrames()).contains(NEWDATA);
        ScenarioRunner.Run l1 = PvFixture.pv64().param("log_dirty", 1).run(PvFixture.mmuUpdate(pteAddr(L1, 7),
                e(NEWDATA, UP)));
        assertThat(PvFixture.view(l1).dirtyFrames()).contains(L1);
        ScenarioRunner.Run m2p = PvFixture.pv64().param("log_dirty", 1).run(PvFixture.mmuUpdate(
                (PvFixture.COW << 12) | 1, 0x55));
        assertThat(outcome(m2p, 0)).returned("mmu_update", 0);
        assertThat(PvFixture.view(m2p).dirtyFrames()).contains(PvFixture.COW);
        // Without log-dirty nothing is tracked.
        assertThat(PvFixture.view(PvFixture.pv64().run(PvFixture.mmuUpdate(pteAddr(NEWDATA, 3), 0x1234)))
                .dirtyFrames()).isEmpty();
    }

    // ---- do_mmuext_op ----

    @Test
    @DisplayName("pv.4.6 PIN_L2_TABLE and PIN_L3_TABLE type the frame as that level; 32-bit: PIN_L4_TABLE is ignored")
    void pinLevels() {
        ScenarioRunner.Run l2 = PvFixture.pv64().run(mmuext(1, L1B, 0));
        assertThat(outcome(l2, 0)).returned("mmuext_op", 0);
        assertThat(frame(l2, L1B)).hasType(PageType.L2_PAGE_TABLE, 1);
        ScenarioRunner.Run l3 = PvFixture.pv64().run(mmuext(2, L1B, 0));
        assertThat(frame(l3, L1B)).hasType(PageType.L3_PAGE_TABLE, 1);
        ScenarioRunner.Run l4 = PvFixture.pv64().run(mmuext(DoMmuextOp.PIN_L4_TABLE, L1B, 0));
        assertThat(frame(l4, L1B)).hasType(PageType.L4_PAGE_TABLE, 1);
        ScenarioRunner.Run pae = PvFixture.pv32().run(mmuext(DoMmuextOp.PIN_L4_TABLE, L1B, 0));
        assertThat(outcome(pae, 0)).returned("mmuext_op", 0).withDone(1);
        assertThat(frame(pae, L1B)).hasNoTypeInUse().hasCount(0);
    }

    @Test
    @DisplayName("pv.4.6 with FD = DOMID_IO the self-only commands are -EPERM and pinning is -EINVAL")
    void selfOnlyCommands() {
        int io = FrameTable.DOMID_IO;
        assertThat(PvFixture.pv64().last(ext(io, DoMmuextOp.NEW_BASEPTR, PvFixture.L4, 0)))
                .returned("mmuext_op", -Errno.EPERM);
        assertThat(PvFixture.pv64().last(ext(io, DoMmuextOp.NEW_USER_BASEPTR, 0, 0)))
                .returned("mmuext_op", -Errno.EPERM);
        assertThat(PvFixture.pv64().last(ext(io, DoMmuextOp.INVLPG_LOCAL, 0x1000, 0)))
                .returned("mmuext_op", -Errno.EPERM);
        assertThat(PvFixture.pv64().last(ext(io, DoMmuextOp.FLUSH_CACHE, 0, 0)))
                .returned("mmuext_op", -Errno.EPERM);
        assertThat(PvFixture.pv64().last(ext(io, DoMmuextOp.SET_LDT, 0x7000, 16)))
                .returned("mmuext_op", -Errno.EPERM);
        assertThat(PvFixture.pv64().last(ext(io, 0, L1B, 0))).returned("mmuext_op", -Errno.EINVAL);
        // FLUSH_CACHE by a domain with I/O memory (cache_flush_permitted) succeeds.
        assertThat(PvFixture.pv64().param("mmio_mfn", 0xfee00).last(mmuext(DoMmuextOp.FLUSH_CACHE, 0, 0)))
                .returned("mmuext_op", 0);
    }

    @Test
    @DisplayName("pv.4.6 32-bit guests have no user base table: NEW_USER_BASEPTR -EINVAL; 64-bit sets and clears it")
    void newUserBaseptr() {
        assertThat(PvFixture.pv32().last(mmuext(DoMmuextOp.NEW_USER_BASEPTR, 0, 0)))
                .returned("mmuext_op", -Errno.EINVAL);
        ScenarioRunner.Run r = PvFixture.pv64().run(mmuext(DoMmuextOp.NEW_USER_BASEPTR, PvFixture.L4, 0),
                mmuext(DoMmuextOp.NEW_USER_BASEPTR, 0, 0));
        assertThat(outcome(r, 0)).returned("mmuext_op", 0);
        assertThat(outcome(r, 1)).returned("mmuext_op", 0);
        assertThat(PvFixture.view(r).vcpus().get(0).guestTableUser()).isZero();
        assertThat(frame(r, PvFixture.L4)).hasType(PageType.L4_PAGE_TABLE, 1); // the user reference was dropped
    }

    @Test
    @DisplayName("pv.4.6 SET_LDT: a non-canonical base or (32-bit) one beyond 4 GiB is -EINVAL")
    void setLdtAddressChecks() {
        assertThat(PvFixture.pv64().last(mmuext(DoMmuextOp.SET_LDT, 1L << 47, 16)))
                .returned("mmuext_op", -Errno.EINVAL);
        assertThat(PvFixture.pv32().last(mmuext(DoMmuextOp.SET_LDT, 1L << 32, 16)))
                .returned("mmuext_op", -Errno.EINVAL);
        assertThat(PvFixture.pv32().last(mmuext(DoMmuextOp.SET_LDT, 0xfffff000L, 16))).returned("mmuext_op", 0);
    }

    @Test
    @DisplayName("pv.4.6 SET_LDT with a new entry count drops the LDT shadow mapping; the same base and count keep it")
    void setLdtReloadRule() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1, 7, e(NEWDATA, P | US | A));
        long desc = PvLayout.GDT_LDT_VIRT_START + 0x10008;
        ScenarioRunner.Run same = f.run(mmuext(DoMmuextOp.SET_LDT, 0x7000, 16), implicitRead(desc),
                mmuext(DoMmuextOp.SET_LDT, 0x7000, 16));
        assertThat(frame(same, NEWDATA)).hasType(PageType.SEG_DESC, 1);
        PvFixture g = PvFixture.pv64();
        g.pte(L1, 7, e(NEWDATA, P | US | A));
        ScenarioRunner.Run ents = g.run(mmuext(DoMmuextOp.SET_LDT, 0x7000, 16), implicitRead(desc),
                mmuext(DoMmuextOp.SET_LDT, 0x7000, 32));
        assertThat(frame(ents, NEWDATA)).hasNoTypeInUse();
        assertThat(PvFixture.view(ents).vcpus().get(0).ldtEnts()).isEqualTo(32);
    }

    @Test
    @DisplayName("pv.4.6 CLEAR_PAGE zeroes a data frame; COPY_PAGE copies one; page tables and foreign frames -EINVAL")
    void clearAndCopyPage() {
        PvFixture f = PvFixture.pv64();
        ScenarioRunner.Run r = f.run(step(new HostWrite(pteAddr(NEWDATA, 9), 8, 0xabcdL)),
                mmuext(DoMmuextOp.CLEAR_PAGE, NEWDATA, 0), step(new HostWrite(pteAddr(DATA, 4), 8, 0x4242L)),
                mmuext(DoMmuextOp.COPY_PAGE, NEWDATA, DATA));
        assertThat(outcome(r, 1)).returned("mmuext_op", 0);
        assertThat(outcome(r, 3)).returned("mmuext_op", 0);
        assertThat(word(r, pteAddr(NEWDATA, 9))).isZero();
        assertThat(word(r, pteAddr(NEWDATA, 4))).isEqualTo(0x4242L);
        assertThat(frame(r, NEWDATA)).hasNoTypeInUse().hasCount(0);
        assertThat(frame(r, DATA)).hasCount(1); // its one mapping's reference; the copy's was given back
        ScenarioRunner.Run table = PvFixture.pv64().run(mmuext(DoMmuextOp.CLEAR_PAGE, L1, 0));
        assertThat(outcome(table, 0)).returned("mmuext_op", -Errno.EINVAL);
        assertThat(word(table, pteAddr(L1, 1))).isNotZero();
        assertThat(PvFixture.pv64().last(mmuext(DoMmuextOp.CLEAR_PAGE, FOREIGN, 0)))
                .returned("mmuext_op", -Errno.EINVAL);
        ScenarioRunner.Run src = PvFixture.pv64().run(mmuext(DoMmuextOp.COPY_PAGE, NEWDATA, FOREIGN));
        assertThat(outcome(src, 0)).returned("mmuext_op", -Errno.EINVAL);
        assertThat(frame(src, NEWDATA)).hasNoTypeInUse().hasCount(0);
        // log-dirty: the destination is dirtied.
        assertThat(PvFixture.view(PvFixture.pv64().param("log_dirty", 1).run(
                mmuext(DoMmuextOp.CLEAR_PAGE, NEWDATA, 0))).dirtyFrames()).contains(NEWDATA);
    }

    // ---- TLB maintenance, seen through a stale translation of va 0x1000 ----

    /** Read 0x1000 (caches its translation), clear L1[1] behind Xen's back, run {@code op}, read 0x1000 again. */
    static xpf.model.scenario.Outcome afterStaleRead(PvFixture f, Step op) {
        return f.last(read(0x1000), step(new HostWrite(pteAddr(L1, 1), 8, 0)), op, read(0x1000));
    }

    @Test
    @DisplayName("pv.4.6 mmuext TLB_FLUSH_LOCAL, TLB_FLUSH_ALL and INVLPG_LOCAL/ALL of the va drop the stale entry")
    void mmuextFlushes() {
        assertThat(afterStaleRead(PvFixture.pv64(), mmuext(DoMmuextOp.TLB_FLUSH_LOCAL, 0, 0)))
                .isDeliveredPageFault(0, 0x1000);
        assertThat(afterStaleRead(PvFixture.pv64(), mmuext(DoMmuextOp.TLB_FLUSH_ALL, 0, 0)))
                .isDeliveredPageFault(0, 0x1000);
        assertThat(afterStaleRead(PvFixture.pv64(), mmuext(DoMmuextOp.TLB_FLUSH_MULTI, 0, 0)))
                .isDeliveredPageFault(0, 0x1000);
        assertThat(afterStaleRead(PvFixture.pv64(), mmuext(DoMmuextOp.INVLPG_LOCAL, 0x1000, 0)))
                .isDeliveredPageFault(0, 0x1000);
        assertThat(afterStaleRead(PvFixture.pv64(), mmuext(DoMmuextOp.INVLPG_ALL, 0x1000, 0)))
                .isDeliveredPageFault(0, 0x1000);
        assertThat(afterStaleRead(PvFixture.pv64(), mmuext(DoMmuextOp.INVLPG_MULTI, 0x1000, 0)))
                .isDeliveredPageFault(0, 0x1000);
        // INVLPG of another page leaves the stale entry: the read still completes.
        assertThat(afterStaleRead(PvFixture.pv64(), mmuext(DoMmuextOp.INVLPG_LOCAL, 0x5000, 0))).isCompleted();
        assertThat(afterStaleRead(PvFixture.pv64(), mmuext(DoMmuextOp.INVLPG_ALL, 0x5000, 0))).isCompleted();
    }

    @Test
    @DisplayName("pv.4.7 update_va_mapping flags: TLB_FLUSH drops every entry, INVLPG only the va's, 0 none")
    void updateVaMappingFlushFlags() {
        long val = e(NEWDATA, UP);
        assertThat(afterStaleRead(PvFixture.pv64(), uvm(0x7000, val, 0))).isCompleted();
        assertThat(afterStaleRead(PvFixture.pv64(), uvm(0x7000, val, DoUpdateVaMapping.UVMF_TLB_FLUSH)))
                .isDeliveredPageFault(0, 0x1000);
        assertThat(afterStaleRead(PvFixture.pv64(), uvm(0x7000, val,
                DoUpdateVaMapping.UVMF_TLB_FLUSH | DoUpdateVaMapping.UVMF_ALL))).isDeliveredPageFault(0, 0x1000);
        assertThat(afterStaleRead(PvFixture.pv64(), uvm(0x7000, val, DoUpdateVaMapping.UVMF_INVLPG)))
                .isCompleted();
        assertThat(afterStaleRead(PvFixture.pv64(), uvm(0x7000, val,
                DoUpdateVaMapping.UVMF_INVLPG | DoUpdateVaMapping.UVMF_ALL))).isCompleted();
        // INVLPG of the va itself: the new (here: empty) entry is what the next access sees.
        assertThat(PvFixture.pv64().last(read(0x1000), uvm(0x1000, 0, DoUpdateVaMapping.UVMF_INVLPG), read(0x1000)))
                .isDeliveredPageFault(0, 0x1000);
        assertThat(PvFixture.pv64().last(read(0x1000), uvm(0x1000, 0, DoUpdateVaMapping.UVMF_INVLPG
                | DoUpdateVaMapping.UVMF_ALL), read(0x1000))).isDeliveredPageFault(0, 0x1000);
        assertThat(PvFixture.pv64().last(read(0x1000), uvm(0x1000, 0, 0), read(0x1000))).isCompleted();
    }

    @Test
    @DisplayName("pv.4.7 / XSA-279 a failed update_va_mapping flushes nothing in 4.22; 3.1 still flushed")
    void failedUpdateFlushes() {
        Step bad = uvm(0x7000, e(FOREIGN, UP), DoUpdateVaMapping.UVMF_TLB_FLUSH);
        ScenarioRunner.Run r = PvFixture.pv64().run(read(0x1000), step(new HostWrite(pteAddr(L1, 1), 8, 0)), bad,
                read(0x1000));
        assertThat(outcome(r, 2)).returned("update_va_mapping", -Errno.EBUSY);
        assertThat(outcome(r, 3)).isCompleted();
        ScenarioRunner.Run old = PvFixture.pv64().profile(XenProfile.XEN_3_1).run(read(0x1000),
                step(new HostWrite(pteAddr(L1, 1), 8, 0)), bad, read(0x1000));
        assertThat(outcome(old, 2)).returned("update_va_mapping", -Errno.EINVAL);
        assertThat(outcome(old, 3)).isDeliveredPageFault(0, 0x1000);
    }

    @Test
    @DisplayName("pv.4.7 map_guest_l1e: an L2 superpage entry has no L1 (-EINVAL); the trace names the L2 entry")
    void superpageL2HasNoL1() {
        long pse = e(0x1200, UP | EntryBits.PS);
        ScenarioRunner.Run r = PvFixture.pv64().run(step(new HostWrite(pteAddr(L2, 1), 8, pse)),
                uvm(0x200000, e(NEWDATA, UP), 0));
        assertThat(outcome(r, 1)).returned("update_va_mapping", -Errno.EINVAL);
        assertThat(calls(r, 1, "map_guest_l1e")).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("result", "NULL"));
        // 32-bit guest: a va at or above 4 GiB is no address of it.
        ScenarioRunner.Run big = PvFixture.pv32().run(uvm(1L << 32, 0, 0));
        assertThat(outcome(big, 0)).returned("update_va_mapping", -Errno.EINVAL);
        assertThat(calls(big, 0, "map_guest_l1e")).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("why", "address not ok"));
    }
}
