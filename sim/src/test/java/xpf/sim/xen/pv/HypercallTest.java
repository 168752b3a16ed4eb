package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.PvFixture.A;
import static xpf.sim.xen.pv.PvFixture.DATA;
import static xpf.sim.xen.pv.PvFixture.FOREIGN;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.L1B;
import static xpf.sim.xen.pv.PvFixture.L2;
import static xpf.sim.xen.pv.PvFixture.L4;
import static xpf.sim.xen.pv.PvFixture.NEWDATA;
import static xpf.sim.xen.pv.PvFixture.P;
import static xpf.sim.xen.pv.PvFixture.UP;
import static xpf.sim.xen.pv.PvFixture.US;
import static xpf.sim.xen.pv.PvFixture.e;
import static xpf.sim.xen.pv.PvFixture.frame;
import static xpf.sim.xen.pv.PvFixture.hypercall;
import static xpf.sim.xen.pv.PvFixture.mmuUpdate;
import static xpf.sim.xen.pv.PvFixture.mmuext;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.pteAddr;
import static xpf.sim.xen.pv.PvFixture.read;
import static xpf.sim.xen.pv.PvFixture.word;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.Errno;
import xpf.model.scenario.HypercallOp;
import xpf.model.scenario.HypercallOp.MmuUpdate.Request;
import xpf.model.scenario.TrapInfoSpec;
import xpf.model.scenario.XenProfile;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.x86.EntryBits;
import xpf.sim.xen.mm.PageType;

/** Return codes of mmu_update, mmuext_op, update_va_mapping (§4.6-§4.7), set_trap_table, vm_assist (§5.1). */
class HypercallTest {

    static xpf.model.scenario.Step batch(long... ptrVal) {
        List<Request> reqs = new java.util.ArrayList<>();
        for (int i = 0; i < ptrVal.length; i += 2) {
            reqs.add(new Request(ptrVal[i], ptrVal[i + 1]));
        }
        return hypercall(new HypercallOp.MmuUpdate(reqs, PvLayout.DOMID_SELF));
    }

    @Test
    @DisplayName("pv.4.7 mmu_update stops at the first failing request and reports how many were done")
    void mmuUpdateStopsAtFirstFailure() {
        ScenarioRunner.Run r = PvFixture.pv64().run(batch(pteAddr(L1, 7), e(NEWDATA, UP),
                pteAddr(L1, 8), e(FOREIGN, UP), pteAddr(L1, 9), e(DATA, P | US | A)));
        assertThat(outcome(r, 0)).returned("mmu_update", -Errno.EBUSY).withDone(1);
        assertThat(word(r, pteAddr(L1, 9))).isZero();
        assertThat(word(r, pteAddr(L1, 7))).isNotZero();
    }

    @Test
    @DisplayName("pv.4.7 3.1 collapsed every validation failure to -EINVAL")
    void xen31CollapsesErrorsToEinval() {
        assertThat(PvFixture.pv64().profile(XenProfile.XEN_3_1).last(batch(pteAddr(L1, 8), e(FOREIGN, UP))))
                .returned("mmu_update", -Errno.EINVAL).withDone(0);
    }

    @Test
    @DisplayName("pv.4.7 unknown command -ENOSYS; bad foreigndom -ESRCH; frame not the caller's -EINVAL")
    void mmuUpdateErrorCodes() {
        assertThat(PvFixture.pv64().last(batch(pteAddr(L1, 7) | 5, 0))).returned("mmu_update", -Errno.ENOSYS);
        assertThat(PvFixture.pv64().last(hypercall(new HypercallOp.MmuUpdate(List.of(new Request(pteAddr(L1, 7),
                0)), 1)))).returned("mmu_update", -Errno.ESRCH);
        assertThat(PvFixture.pv64().last(batch(pteAddr(FOREIGN, 0), 0))).returned("mmu_update", -Errno.EINVAL);
    }

    @Test
    @DisplayName("pv.4.7 a normal update of a frame with no page-table type is a plain store (writable type)")
    void updateOfANonTableFrameIsAPlainStore() {
        ScenarioRunner.Run r = PvFixture.pv64().run(batch(pteAddr(NEWDATA, 3), 0x1234));
        assertThat(outcome(r, 0)).returned("mmu_update", 0).withDone(1);
        assertThat(word(r, pteAddr(NEWDATA, 3))).isEqualTo(0x1234);
        assertThat(frame(r, NEWDATA)).hasNoTypeInUse();
    }

    @Test
    @DisplayName("pv.4.7 MMU_PT_UPDATE_PRESERVE_AD ORs the entry's current A/D bits into the new value")
    void preserveAdKeepsAccessedDirty() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1, 7, e(NEWDATA, UP | EntryBits.D));
        ScenarioRunner.Run r = f.run(batch(pteAddr(L1, 7) | 2, e(NEWDATA, P | EntryBits.RW | US)));
        assertThat(outcome(r, 0)).returned("mmu_update", 0);
        assertThat(word(r, pteAddr(L1, 7)) & (EntryBits.A | EntryBits.D)).isEqualTo(EntryBits.A | EntryBits.D);
    }

    @Test
    @DisplayName("pv.4.7 MMU_MACHPHYS_UPDATE of an own frame succeeds; of another domain's -EINVAL")
    void machphysUpdate() {
        assertThat(PvFixture.pv64().last(batch((NEWDATA << 12) | 1, 0x55))).returned("mmu_update", 0);
        assertThat(PvFixture.pv64().last(batch((FOREIGN << 12) | 1, 0x55))).returned("mmu_update", -Errno.EINVAL);
    }

    @Test
    @DisplayName("pv.4.6 pin validates and holds a type reference; pinning twice -EINVAL; unpin releases it")
    void pinAndUnpin() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1B, 0, e(NEWDATA, UP));
        ScenarioRunner.Run r = f.run(mmuext(0, L1B, 0), mmuext(0, L1B, 0), mmuext(DoMmuextOp.UNPIN_TABLE, L1B, 0),
                mmuext(DoMmuextOp.UNPIN_TABLE, L1B, 0));
        assertThat(outcome(r, 0)).returned("mmuext_op", 0).withDone(1);
        assertThat(outcome(r, 1)).returned("mmuext_op", -Errno.EINVAL).withDone(0);
        assertThat(outcome(r, 2)).returned("mmuext_op", 0);
        assertThat(outcome(r, 3)).returned("mmuext_op", -Errno.EINVAL);
        assertThat(frame(r, L1B)).hasNoTypeInUse().hasCount(0);
        assertThat(frame(r, NEWDATA)).hasNoTypeInUse().hasCount(0);
    }

    @Test
    @DisplayName("pv.4.6 pinning a frame the caller does not own -EINVAL; a frame mapped writable as L1 -EINVAL")
    void pinRefusals() {
        assertThat(PvFixture.pv64().last(mmuext(0, FOREIGN, 0))).returned("mmuext_op", -Errno.EINVAL);
        assertThat(PvFixture.pv64().last(mmuext(0, DATA, 0))).returned("mmuext_op", -Errno.EINVAL);
    }

    @Test
    @DisplayName("pv.4.6 NEW_BASEPTR switches CR3 and moves the root reference; a bad root is refused")
    void newBaseptr() {
        PvFixture f = PvFixture.pv64();
        f.frames.put("l4b", 0x1010L);
        f.pte(0x1010, 0, e(PvFixture.L3, UP));
        ScenarioRunner.Run r = f.run(mmuext(DoMmuextOp.NEW_BASEPTR, 0x1010, 0), mmuext(DoMmuextOp.NEW_BASEPTR, L2,
                0));
        assertThat(outcome(r, 0)).returned("mmuext_op", 0);
        assertThat(PvFixture.view(r).vcpus().get(0).hardwareCr3()).isEqualTo(0x1010L << 12);
        assertThat(frame(r, L4)).hasNoTypeInUse();
        assertThat(frame(r, 0x1010)).hasType(PageType.L4_PAGE_TABLE, 1);
        assertThat(outcome(r, 1)).returned("mmuext_op", -Errno.EINVAL);
    }

    @Test
    @DisplayName("pv.4.6 SET_LDT needs a page-aligned base and at most 8192 entries; FLUSH_CACHE -EACCES for domU")
    void mmuextArgumentChecks() {
        assertThat(PvFixture.pv64().last(mmuext(DoMmuextOp.SET_LDT, 0x1001, 4))).returned("mmuext_op",
                -Errno.EINVAL);
        assertThat(PvFixture.pv64().last(mmuext(DoMmuextOp.SET_LDT, 0x1000, 9000))).returned("mmuext_op",
                -Errno.EINVAL);
        assertThat(PvFixture.pv64().last(mmuext(DoMmuextOp.SET_LDT, 0x1000, 16))).returned("mmuext_op", 0);
        assertThat(PvFixture.pv64().last(mmuext(DoMmuextOp.FLUSH_CACHE, 0, 0))).returned("mmuext_op",
                -Errno.EACCES);
        assertThat(PvFixture.pv64().last(mmuext(14, 0, 0))).returned("mmuext_op", -Errno.ENOSYS);
    }

    @Test
    @DisplayName("pv.4.7 update_va_mapping changes the L1 entry found through the linear page table")
    void updateVaMapping() {
        ScenarioRunner.Run r = PvFixture.pv64().run(hypercall(new HypercallOp.UpdateVaMapping(0x7000,
                e(NEWDATA, UP), DoUpdateVaMapping.UVMF_INVLPG)), read(0x7000));
        assertThat(outcome(r, 0)).returned("update_va_mapping", 0);
        assertThat(outcome(r, 1)).isCompleted();
        assertThat(frame(r, NEWDATA)).hasType(PageType.WRITABLE, 1);
    }

    @Test
    @DisplayName("pv.4.7 32-bit PV: update_va_mapping through Xen's L4 (slot 258 of the guest's compat L4)")
    void updateVaMappingForThirtyTwoBitGuest() {
        ScenarioRunner.Run r = PvFixture.pv32().run(hypercall(new HypercallOp.UpdateVaMapping(0x7000,
                e(NEWDATA, UP), DoUpdateVaMapping.UVMF_INVLPG)), read(0x7000),
                batch(pteAddr(L2, 1), e(L1B, UP)), hypercall(new HypercallOp.UpdateVaMapping(0x200000,
                e(DATA, UP), 0)), read(0x200000));
        assertThat(outcome(r, 0)).returned("update_va_mapping", 0);
        assertThat(outcome(r, 1)).isCompleted();
        assertThat(outcome(r, 2)).returned("mmu_update", 0);
        assertThat(outcome(r, 3)).returned("update_va_mapping", 0);
        assertThat(outcome(r, 4)).isCompleted();
    }

    @Test
    @DisplayName("pv.4.6 32-bit PV: NEW_BASEPTR to another L3 flushes the old translations")
    void newBaseptrForThirtyTwoBitGuestFlushes() {
        PvFixture f = PvFixture.pv32();
        f.frames.put("l3b", 0x1010L);
        f.frames.put("l2y", 0x1011L);
        f.frames.put("l2z", 0x1012L);
        f.frames.put("l1z", 0x1013L);
        f.pte(0x1010, 3, e(0x1011, P)).pte(0x1010, 0, e(0x1012, P)); // a second hierarchy: only the stack mapped
        f.pte(0x1012, 0, e(0x1013, UP)).pte(0x1013, 6, e(PvFixture.STACK, P | xpf.sim.x86.EntryBits.RW | A));
        ScenarioRunner.Run r = f.run(read(0x1000), mmuext(DoMmuextOp.NEW_BASEPTR, 0x1010, 0), read(0x1000));
        assertThat(outcome(r, 1)).returned("mmuext_op", 0);
        assertThat(outcome(r, 2)).isDeliveredPageFault(0, 0x1000);
    }

    @Test
    @DisplayName("pv.4.7 update_va_mapping of an address with no L1 (or non-canonical) -EINVAL")
    void updateVaMappingFailures() {
        assertThat(PvFixture.pv64().last(hypercall(new HypercallOp.UpdateVaMapping(0x40000000L, 0, 0))))
                .returned("update_va_mapping", -Errno.EINVAL);
        assertThat(PvFixture.pv64().last(hypercall(new HypercallOp.UpdateVaMapping(1L << 63, 0, 6))))
                .returned("update_va_mapping", -Errno.EINVAL);
    }

    @Test
    @DisplayName("pv.5.1 set_trap_table: non-canonical address -EINVAL (4.22), accepted by 3.1; RPL raised to 3")
    void setTrapTable() {
        HypercallOp bad = new HypercallOp.SetTrapTable(List.of(new TrapInfoSpec(14, 0, 0xe030, 0x8000000000000000L)),
                false);
        assertThat(PvFixture.pv64().last(hypercall(bad))).returned("set_trap_table", -Errno.EINVAL);
        assertThat(PvFixture.pv64().profile(XenProfile.XEN_3_1).last(hypercall(bad))).returned("set_trap_table", 0);
        ScenarioRunner.Run r = PvFixture.pv64().run(hypercall(new HypercallOp.SetTrapTable(List.of(
                new TrapInfoSpec(3, 3, 0xe030, 0xffffffff81000300L), new TrapInfoSpec(4, 0, 0xe033, 0),
                new TrapInfoSpec(5, 0, 0xe033, 0xffffffff81000500L)), false)));
        assertThat(outcome(r, 0)).returned("set_trap_table", 0);
        List<TrapInfo> tt = PvFixture.view(r).vcpus().get(0).trapTable();
        assertThat(tt).contains(new TrapInfo(3, 3, 0xe033, 0xffffffff81000300L));
        assertThat(tt).noneMatch(t -> t.vector() == 5); // the address-0 sentinel stopped the list
    }

    @Test
    @DisplayName("pv.5.1 set_trap_table(NULL) clears the virtual IDT: a later #PF has no handler")
    void nullTrapTableClearsEverything() {
        ScenarioRunner.Run r = PvFixture.pv64().run(hypercall(new HypercallOp.SetTrapTable(List.of(), true)),
                read(0x9000));
        assertThat(outcome(r, 0)).returned("set_trap_table", 0);
        assertThat(outcome(r, 1)).isDomainCrash("no_pf_handler");
    }

    @Test
    @DisplayName("pv.2.3d vm_assist(disable, writable_pagetables) turns ptwr off: the PTE write is forwarded")
    void vmAssistControlsPtwr() {
        ScenarioRunner.Run r = PvFixture.pv64().run(hypercall(new HypercallOp.VmAssist(1, 2)),
                PvFixture.write(PvFixture.VA_L1 + 16, e(NEWDATA, UP)), hypercall(new HypercallOp.VmAssist(0, 99)),
                hypercall(new HypercallOp.VmAssist(7, 2)));
        assertThat(outcome(r, 0)).returned("vm_assist", 0);
        assertThat(outcome(r, 1)).isDelivered(14, 3);
        assertThat(outcome(r, 2)).returned("vm_assist", -Errno.EINVAL);
        assertThat(outcome(r, 3)).returned("vm_assist", -Errno.ENOSYS);
    }
}
