package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.PvFixture.A;
import static xpf.sim.xen.pv.PvFixture.FOREIGN;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.L1B;
import static xpf.sim.xen.pv.PvFixture.L2;
import static xpf.sim.xen.pv.PvFixture.L2X;
import static xpf.sim.xen.pv.PvFixture.L3;
import static xpf.sim.xen.pv.PvFixture.L4;
import static xpf.sim.xen.pv.PvFixture.NEWDATA;
import static xpf.sim.xen.pv.PvFixture.P;
import static xpf.sim.xen.pv.PvFixture.RW;
import static xpf.sim.xen.pv.PvFixture.UP;
import static xpf.sim.xen.pv.PvFixture.US;
import static xpf.sim.xen.pv.PvFixture.e;
import static xpf.sim.xen.pv.PvFixture.frame;
import static xpf.sim.xen.pv.PvFixture.mmuUpdate;
import static xpf.sim.xen.pv.PvFixture.mmuext;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.pteAddr;
import static xpf.sim.xen.pv.PvFixture.read;
import static xpf.sim.xen.pv.PvFixture.step;
import static xpf.sim.xen.pv.PvFixture.word;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.Errno;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.XenProfile;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.x86.EntryBits;
import xpf.sim.xen.mm.PageType;

/**
 * Validation and de-validation of whole tables and the per-entry rules of {@code mod_lN_entry} at their edges
 * (xen-pv-fault-path.md §4.2-§4.4, §4.7; {@code promote_lN_table}, {@code free_page_type}, {@code adjust_guest_lNe},
 * {@code is_guest_l4_slot}, {@code _get_page_type}, xen/arch/x86/mm.c and pv/mm.h, 4.22): a refused table gives back
 * what its earlier entries took, de-validation drops every guest slot's reference (the last slots included), Xen's
 * slots are written by Xen, the guest-slot bounds, the adjust rules per level, the 32-bit L3 rules (no recursion,
 * XSA-185; an unshared slot-3 L2), and the TLB flush a type change needs after the frame was mapped (XSA-401 class).
 */
class PageTableLifecycleTest {

    @Test
    @DisplayName("pv.4.3 a refused L2 gives back the reference its earlier valid entry took (no leak)")
    void refusedTableRollsBack() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1B, 0, e(NEWDATA, UP)).pte(L1B, 1, e(FOREIGN, UP)); // as an L2: slot 0 fine, slot 1 foreign
        ScenarioRunner.Run r = f.run(mmuUpdate(pteAddr(L3, 1), e(L1B, UP)));
        assertThat(outcome(r, 0)).returned("mmu_update", -Errno.EINVAL);
        assertThat(frame(r, NEWDATA)).hasNoTypeInUse().hasCount(0);
        assertThat(frame(r, L1B)).hasNoTypeInUse().hasCount(0);
    }

    @Test
    @DisplayName("pv.4.2 de-validating a 64-bit L3 drops the reference of an entry beyond slot 3")
    void l3DevalidationCoversEverySlot() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1B, 5, e(NEWDATA, UP)); // L1B as an L3: slot 5 -> NEWDATA as an (empty) L2
        ScenarioRunner.Run r = f.run(mmuUpdate(pteAddr(PvFixture.L4, 1), e(L1B, UP)),
                mmuUpdate(pteAddr(PvFixture.L4, 1), 0));
        assertThat(outcome(r, 0)).returned("mmu_update", 0);
        assertThat(outcome(r, 1)).returned("mmu_update", 0);
        assertThat(frame(r, NEWDATA)).hasNoTypeInUse().hasCount(0);
        assertThat(frame(r, L1B)).hasNoTypeInUse().hasCount(0);
    }

    @Test
    @DisplayName("pv.4.2 de-validating an L4 drops the reference of a guest slot above Xen's (slot 300)")
    void l4DevalidationCoversHighGuestSlots() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1B, 300, e(NEWDATA, UP)); // L1B as an L4: slot 300 -> NEWDATA as an (empty) L3
        ScenarioRunner.Run r = f.run(mmuext(DoMmuextOp.PIN_L4_TABLE, L1B, 0), mmuext(DoMmuextOp.UNPIN_TABLE, L1B,
                0));
        assertThat(outcome(r, 0)).returned("mmuext_op", 0);
        assertThat(outcome(r, 1)).returned("mmuext_op", 0);
        assertThat(frame(r, NEWDATA)).hasNoTypeInUse().hasCount(0);
    }

    @Test
    @DisplayName("pv.4.3 Xen writes its own L4 slots at validation: whatever the guest left in 256..271 is replaced")
    void xenL4SlotsAreWrittenByXen() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1B, 257, e(NEWDATA, UP)).pte(L1B, 271, e(NEWDATA, UP));
        ScenarioRunner.Run r = f.run(mmuext(DoMmuextOp.PIN_L4_TABLE, L1B, 0));
        assertThat(word(r, pteAddr(L1B, 257))).isZero();
        assertThat(word(r, pteAddr(L1B, 271))).isZero();
        assertThat(Pte.mfn(word(r, pteAddr(L1B, PvLayout.LINEAR_PT_SLOT)))).isEqualTo(L1B);
        assertThat(frame(r, NEWDATA)).hasNoTypeInUse().hasCount(0);
    }

    @Test
    @DisplayName("pv.4.7 the guest's L4 slots end at 255 and start again at 272; 256 and 271 are Xen's (-EINVAL)")
    void guestL4SlotBounds() {
        assertThat(PvFixture.pv64().last(mmuUpdate(pteAddr(L4, 255), 0))).returned("mmu_update", 0);
        assertThat(PvFixture.pv64().last(mmuUpdate(pteAddr(L4, 272), 0))).returned("mmu_update", 0);
        assertThat(PvFixture.pv64().last(mmuUpdate(pteAddr(L4, 256), 0))).returned("mmu_update", -Errno.EINVAL);
        assertThat(PvFixture.pv64().last(mmuUpdate(pteAddr(L4, 271), 0))).returned("mmu_update", -Errno.EINVAL);
    }

    @Test
    @DisplayName("pv.4.7 32-bit: the slot-3 L2's guest slots end at 427; slot 428 holds Xen's mappings (-EPERM)")
    void paeXenL2SlotBound() {
        assertThat(PvFixture.pv32().last(mmuUpdate(pteAddr(L2X, 427), 0))).returned("mmu_update", 0);
        assertThat(PvFixture.pv32().last(mmuUpdate(pteAddr(L2X, 428), 0))).returned("mmu_update", -Errno.EPERM);
    }

    @Test
    @DisplayName("pv.4.3 32-bit: validating the slot-3 L2 clears Xen's slots 428..511; entries 4..511 of an L3 go")
    void thirtyTwoBitXenSlotsAreCleared() {
        PvFixture f = PvFixture.pv32();
        f.pte(L2X, 500, e(NEWDATA, UP)).pte(PvFixture.L4, 7, e(NEWDATA, P)); // L4 is the 32-bit guest's L3
        ScenarioRunner.Run r = f.run();
        assertThat(word(r, pteAddr(L2X, 500))).isZero();
        assertThat(word(r, pteAddr(PvFixture.L4, 7))).isZero();
        assertThat(frame(r, NEWDATA)).hasNoTypeInUse().hasCount(0);
    }

    @Test
    @DisplayName("pv.4.4 / XSA-185 32-bit: a recursive L3 entry is refused; 64-bit L3 may hold a read-only one")
    void thirtyTwoBitL3IsNeverLinear() {
        assertThat(PvFixture.pv32().last(mmuUpdate(pteAddr(PvFixture.L4, 1), e(PvFixture.L4, P))))
                .returned("mmu_update", -Errno.EINVAL);
        assertThat(PvFixture.pv64().last(mmuUpdate(pteAddr(L3, 5), e(L3, P | US | A))))
                .returned("mmu_update", 0);
    }

    @Test
    @DisplayName("pv.4.3 32-bit: an L3 whose slot 3 names an L2 already in use as another L3's slot 3 is refused")
    void slotThreeL2MustNotBeShared() {
        PvFixture f = PvFixture.pv32();
        f.frames.put("l3b", 0x1010L);
        f.pte(0x1010, 3, e(L2X, P));
        ScenarioRunner.Run r = f.run(mmuext(DoMmuextOp.NEW_BASEPTR, 0x1010, 0));
        assertThat(outcome(r, 0)).returned("mmuext_op", -Errno.EINVAL);
        assertThat(frame(r, L2X)).hasType(PageType.L2_PAGE_TABLE, 1).hasCount(1);
    }

    @Test
    @DisplayName("pv.4.3 adjust_guest_l2e/l4e (64-bit): US added at L2; US and ACCESSED at L4 in 4.22, not in 3.1")
    void adjustUpperLevels() {
        PvFixture f = PvFixture.pv64();
        ScenarioRunner.Run r = f.run(mmuUpdate(pteAddr(L2, 1), e(L1B, P | RW | A)));
        assertThat(word(r, pteAddr(L2, 1))).isEqualTo(e(L1B, P | RW | A | US));
        ScenarioRunner.Run l4 = PvFixture.pv64().run(mmuUpdate(pteAddr(L4, 1), e(L1B, P | RW)));
        assertThat(word(l4, pteAddr(L4, 1))).isEqualTo(e(L1B, P | RW | US | A));
        ScenarioRunner.Run old = PvFixture.pv64().profile(XenProfile.XEN_3_1).run(mmuUpdate(pteAddr(L4, 1),
                e(L1B, P | RW)));
        assertThat(word(old, pteAddr(L4, 1))).isEqualTo(e(L1B, P | RW | US));
        // 32-bit L2 entries are stored as written.
        ScenarioRunner.Run pae = PvFixture.pv32().run(mmuUpdate(pteAddr(L2, 1), e(L1B, P | RW | A)));
        assertThat(word(pae, pteAddr(L2, 1))).isEqualTo(e(L1B, P | RW | A));
    }

    @Test
    @DisplayName("pv.4.7 MMU_PT_UPDATE_PRESERVE_AD keeps only the A/D bits the entry has (none here)")
    void preserveAdAddsNothingWhenClear() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1, 7, e(NEWDATA, P | RW | US));
        ScenarioRunner.Run r = f.run(mmuUpdate(pteAddr(L1, 7) | 2, e(NEWDATA, P | US)));
        assertThat(outcome(r, 0)).returned("mmu_update", 0);
        assertThat(word(r, pteAddr(L1, 7)) & (EntryBits.A | EntryBits.D)).isZero();
    }

    @Test
    @DisplayName("pv.4.2 log-dirty: a frame becoming a page table is marked dirty (alloc_page_type)")
    void newPageTableIsDirtied() {
        ScenarioRunner.Run r = PvFixture.pv64().param("log_dirty", 1).run(mmuUpdate(pteAddr(L2, 1), e(L1B, UP)));
        assertThat(PvFixture.view(r).dirtyFrames()).contains(L1B);
    }

    @Test
    @DisplayName("pv.4.2 XSA-401 class: typing a frame that was mapped before flushes stale TLB entries")
    void typeChangeAfterAMappingFlushes() {
        // A stale translation of 0x1000 (its PTE cleared behind Xen's back) survives until a TLB flush.
        ScenarioRunner.Run r = PvFixture.pv64().run(read(0x1000), step(new HostWrite(pteAddr(L1, 1), 8, 0)),
                mmuUpdate(pteAddr(L1, 7), e(NEWDATA, UP)), mmuUpdate(pteAddr(L1, 7), 0),
                mmuext(DoMmuextOp.PIN_L1_TABLE, NEWDATA, 0), read(0x1000));
        assertThat(outcome(r, 4)).returned("mmuext_op", 0);
        assertThat(outcome(r, 5)).isDeliveredPageFault(0, 0x1000);
        // A frame never mapped needs no flush: the stale entry is still used.
        ScenarioRunner.Run fresh = PvFixture.pv64().run(read(0x1000), step(new HostWrite(pteAddr(L1, 1), 8, 0)),
                mmuext(DoMmuextOp.PIN_L1_TABLE, NEWDATA, 0), read(0x1000));
        assertThat(outcome(fresh, 3)).isCompleted();
    }
}
