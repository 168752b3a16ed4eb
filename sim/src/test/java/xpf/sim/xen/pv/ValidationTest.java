package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static xpf.sim.xen.pv.PvFixture.A;
import static xpf.sim.xen.pv.PvFixture.DATA;
import static xpf.sim.xen.pv.PvFixture.FOREIGN;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.L1B;
import static xpf.sim.xen.pv.PvFixture.L2;
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
import static xpf.sim.xen.pv.PvFixture.word;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.ParameterizedTest;
import xpf.model.scenario.Errno;
import xpf.model.scenario.XenProfile;
import xpf.sim.domain.ScenarioError;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.x86.EntryBits;
import xpf.sim.xen.mm.PageType;
import xpf.sim.xen.pv.assertions.PvAssertions;

/** Page-table validation: get_page_from_l1e (§3.3), upper levels and linear page tables (§4.2-§4.5). */
class ValidationTest {

    @Test
    @DisplayName("pv.4.6 building the domain validates the hierarchy from CR3: every level typed, refs balanced")
    void baseTableValidationTypesTheHierarchy() {
        ScenarioRunner.Run r = PvFixture.pv64().run();
        PvAssertions.assertThat(frame(r, L4)).hasType(PageType.L4_PAGE_TABLE, 1).isValidated().hasCount(1);
        PvAssertions.assertThat(frame(r, L3)).hasType(PageType.L3_PAGE_TABLE, 1).hasCount(1);
        PvAssertions.assertThat(frame(r, L2)).hasType(PageType.L2_PAGE_TABLE, 1).hasCount(2); // + RO map at 0x4000
        PvAssertions.assertThat(frame(r, L1)).hasType(PageType.L1_PAGE_TABLE, 1).hasCount(2); // + RO self-map
        PvAssertions.assertThat(frame(r, DATA)).hasType(PageType.WRITABLE, 1).hasCount(1);
        // Xen's slots: linear page table (258) and per-domain area (260), supervisor-only.
        long linear = word(r, pteAddr(L4, PvLayout.LINEAR_PT_SLOT));
        assertThat(Pte.mfn(linear)).isEqualTo(L4);
        assertThat(linear & EntryBits.US).isZero();
    }

    @Test
    @DisplayName("pv.3.3 adjust_guest_l1e: a kernel-only leaf becomes US|GUEST_KERNEL, a user leaf gets G|US")
    void adjustGuestL1eMakesEveryLeafUserAccessible() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1, 7, e(NEWDATA, P | RW | A));
        ScenarioRunner.Run r = f.run();
        assertThat(word(r, pteAddr(L1, 7))).isEqualTo(e(NEWDATA, P | RW | A | US) | Pte.GUEST_KERNEL);
        assertThat(word(r, pteAddr(L1, 1))).isEqualTo(e(DATA, UP | EntryBits.G));
    }

    @Test
    @DisplayName("pv.3.3.3 a base table mapping another domain's frame is refused at build: ScenarioError with path")
    void foreignMappingInTheInitialTablesIsBadInput() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1, 7, e(FOREIGN, P | A));
        assertThatThrownBy(f::run).isInstanceOf(ScenarioError.class)
                .hasMessageContaining("domains[0].vcpus[0].cr3").hasMessageContaining("-EBUSY")
                .hasMessageContaining("frame 0x2000");
    }

    @Test
    @DisplayName("pv.3.3.5 a writable mapping of the guest's own page table in the initial tables is refused")
    void writableMappingOfOwnPageTableIsBadInput() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1, 7, e(L3, UP));
        assertThatThrownBy(f::run).isInstanceOf(ScenarioError.class).hasMessageContaining("typed L3_PAGE_TABLE");
    }

    @Test
    @DisplayName("pv.3.3.3 no mapping of Xen's frames (-EBUSY); frames beyond RAM are I/O: -EPERM without rights")
    void xenFramesAndNonRamAreRefused() {
        ScenarioRunner.Run r = PvFixture.pv64().run(mmuUpdate(pteAddr(L1, 7), e(0x10, P | A)),
                mmuUpdate(pteAddr(L1, 7), e(1L << 30, P | A)));
        PvAssertions.assertThat(outcome(r, 0)).returned("mmu_update", -Errno.EBUSY).withDone(0);
        PvAssertions.assertThat(outcome(r, 1)).returned("mmu_update", -Errno.EPERM);
    }

    @Test
    @DisplayName("pv.3.3.1 domU may not set PCD/PWT/PAT (4.22: -EINVAL); 3.1 allowed PCD/PWT")
    void cacheAttributesAreRefusedForDomU() {
        long pcd = e(NEWDATA, UP | EntryBits.PCD);
        PvAssertions.assertThat(PvFixture.pv64().last(mmuUpdate(pteAddr(L1, 7), pcd)))
                .returned("mmu_update", -Errno.EINVAL);
        PvAssertions.assertThat(PvFixture.pv64().profile(XenProfile.XEN_3_1).last(mmuUpdate(pteAddr(L1, 7), pcd)))
                .returned("mmu_update", 0);
    }

    @Test
    @DisplayName("pv.4.3 PSE is refused in a PV L2 entry (L2_DISALLOW_MASK), in both profiles")
    void pseInL2IsRefused() {
        for (XenProfile p : XenProfile.values()) {
            PvAssertions.assertThat(PvFixture.pv64().profile(p).last(mmuUpdate(pteAddr(L2, 1),
                    e(0x1200, UP | EntryBits.PS)))).returned("mmu_update", -Errno.EINVAL);
        }
    }

    @Test
    @DisplayName("pv.4.3 an L2 entry types its target L1 (validating it); dropping it de-validates")
    void l2EntryTypesAndReleasesItsL1() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1B, 0, e(NEWDATA, UP));
        ScenarioRunner.Run r = f.run(mmuUpdate(pteAddr(L2, 1), e(L1B, UP)));
        PvAssertions.assertThat(outcome(r, 0)).returned("mmu_update", 0);
        PvAssertions.assertThat(frame(r, L1B)).hasType(PageType.L1_PAGE_TABLE, 1).isValidated();
        PvAssertions.assertThat(frame(r, NEWDATA)).hasType(PageType.WRITABLE, 1);
        ScenarioRunner.Run r2 = f.run(mmuUpdate(pteAddr(L2, 1), e(L1B, UP)), mmuUpdate(pteAddr(L2, 1), 0));
        PvAssertions.assertThat(frame(r2, L1B)).hasNoTypeInUse().hasCount(0);
        PvAssertions.assertThat(frame(r2, NEWDATA)).hasNoTypeInUse().hasCount(0);
    }

    @Test
    @DisplayName("pv.4.4.1 a recursive (linear) L4 entry is accepted read-only and refused writable")
    void linearEntryMustBeReadOnly() {
        ScenarioRunner.Run r = PvFixture.pv64().run(mmuUpdate(pteAddr(L4, 5), e(L4, P | US | A)),
                mmuUpdate(pteAddr(L4, 6), e(L4, UP)));
        PvAssertions.assertThat(outcome(r, 0)).returned("mmu_update", 0);
        PvAssertions.assertThat(outcome(r, 1)).returned("mmu_update", -Errno.EINVAL);
        PvAssertions.assertThat(frame(r, L4)).hasType(PageType.L4_PAGE_TABLE, 1); // self-reference: no extra ref
    }

    @Test
    @DisplayName("pv.4.4.4 XSA-240: a table cannot both contain linear entries and be one's target (depth 1)")
    void linearChainsAreLimitedToDepthOne() {
        PvFixture f = PvFixture.pv64();
        f.frames.put("b", 0x1010L);
        f.frames.put("c", 0x1011L);
        ScenarioRunner.Run r = f.run(mmuext(DoMmuextOp.PIN_L4_TABLE, 0x1010, 0),
                mmuext(DoMmuextOp.PIN_L4_TABLE, 0x1011, 0),
                mmuUpdate(pteAddr(L4, 5), e(0x1010, P | US | A)),
                mmuUpdate(pteAddr(0x1010, 5), e(0x1011, P | US | A)));
        PvAssertions.assertThat(outcome(r, 2)).returned("mmu_update", 0);
        PvAssertions.assertThat(frame(r, L4)).hasLinearPtCount(1);
        PvAssertions.assertThat(frame(r, 0x1010)).hasLinearPtCount(-1).hasType(PageType.L4_PAGE_TABLE, 2);
        PvAssertions.assertThat(outcome(r, 3)).returned("mmu_update", -Errno.EINVAL);
        // Xen 3.1 had no depth limit: the chain is accepted.
        PvAssertions.assertThat(outcome(f.profile(XenProfile.XEN_3_1).run(
                mmuext(DoMmuextOp.PIN_L4_TABLE, 0x1010, 0), mmuext(DoMmuextOp.PIN_L4_TABLE, 0x1011, 0),
                mmuUpdate(pteAddr(L4, 5), e(0x1010, P | US | A)),
                mmuUpdate(pteAddr(0x1010, 5), e(0x1011, P | US | A))), 3)).returned("mmu_update", 0);
    }

    @Test
    @DisplayName("pv.4.4.3 an L4 entry to a table in use at another level is neither a valid L3 nor linear")
    void linearTargetMustBeASameLevelTable() {
        PvAssertions.assertThat(PvFixture.pv64().last(mmuUpdate(pteAddr(L4, 5), e(L2, P | US | A))))
                .returned("mmu_update", -Errno.EINVAL);
    }

    @Test
    @DisplayName("pv.4.7 XSA-182: the fast path never lets RW be added to a recursive L4 entry (4.22); 3.1 did")
    void fastPathDoesNotAddRwToLinearEntry() {
        PvFixture f = PvFixture.pv64();
        ScenarioRunner.Run r = f.run(mmuUpdate(pteAddr(L4, 5), e(L4, P | US | A)),
                mmuUpdate(pteAddr(L4, 5), e(L4, UP)));
        PvAssertions.assertThat(outcome(r, 1)).returned("mmu_update", -Errno.EINVAL);
        ScenarioRunner.Run old = PvFixture.pv64().profile(XenProfile.XEN_3_1).run(
                mmuUpdate(pteAddr(L4, 5), e(L4, P | US | A)), mmuUpdate(pteAddr(L4, 5), e(L4, UP)));
        PvAssertions.assertThat(outcome(old, 1)).returned("mmu_update", 0);
        assertThat(word(old, pteAddr(L4, 5)) & RW).isNotZero();
    }

    @Test
    @DisplayName("pv.4.7 the fast path accepts whitelisted flag changes without re-validation (A/D/NX/AVAIL)")
    void fastPathAcceptsWhitelistedChanges() {
        ScenarioRunner.Run r = PvFixture.pv64().run(mmuUpdate(pteAddr(L1, 1), e(DATA, UP | EntryBits.D | 0x200)));
        PvAssertions.assertThat(outcome(r, 0)).returned("mmu_update", 0);
        PvAssertions.assertThat(frame(r, DATA)).hasType(PageType.WRITABLE, 1).hasCount(1);
        assertThat(r.trace().render()).contains("path=fast path");
    }

    @Test
    @DisplayName("pv.4.3 Xen's L4 slots 256..271 cannot be written by the guest (-EINVAL)")
    void xenL4SlotsAreProtected() {
        PvAssertions.assertThat(PvFixture.pv64().last(mmuUpdate(pteAddr(L4, 258), 0)))
                .returned("mmu_update", -Errno.EINVAL);
    }

    @Test
    @DisplayName("pv.4.3 32-bit PV: L3 slot 3 cannot be changed; its L2's Xen slots refuse updates (-EPERM)")
    void pv32XenSlotsAreProtected() {
        ScenarioRunner.Run r = PvFixture.pv32().run(mmuUpdate(pteAddr(L4, 3), 0),
                mmuUpdate(pteAddr(PvFixture.L2X, 500), 0));
        PvAssertions.assertThat(outcome(r, 0)).returned("mmu_update", -Errno.EINVAL);
        PvAssertions.assertThat(outcome(r, 1)).returned("mmu_update", -Errno.EPERM);
        PvAssertions.assertThat(frame(r, PvFixture.L2X)).hasType(PageType.L2_PAGE_TABLE, 1);
    }

    @Test
    @DisplayName("pv.4.3 32-bit PV: an L3 without slot 3 is refused as a base table")
    void pv32L3NeedsSlot3() {
        PvFixture f = PvFixture.pv32();
        f.ptes.removeIf(p -> p.tableFrame() == L4 && p.index() == 3);
        assertThatThrownBy(f::run).isInstanceOf(ScenarioError.class).hasMessageContaining("[3]");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(XenProfile.class)
    @DisplayName("pv.4.7 32-bit PV L3 update: validated on the guest's value, stored with RW|US added (adjust_guest_l3e)")
    void pv32L3UpdateValidatesTheGuestsValue(XenProfile profile) {
        ScenarioRunner.Run r = PvFixture.pv32().profile(profile).run(mmuUpdate(pteAddr(L4, 1), e(L2, P)));
        PvAssertions.assertThat(outcome(r, 0)).returned("mmu_update", 0);
        assertThat(word(r, pteAddr(L4, 1)) & (P | RW | US)).isEqualTo(P | RW | US);
        PvAssertions.assertThat(frame(r, L2)).hasType(PageType.L2_PAGE_TABLE, 2);
    }
}
