package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.PvFixture.A;
import static xpf.sim.xen.pv.PvFixture.DATA;
import static xpf.sim.xen.pv.PvFixture.FOREIGN;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.L2;
import static xpf.sim.xen.pv.PvFixture.L3;
import static xpf.sim.xen.pv.PvFixture.L4;
import static xpf.sim.xen.pv.PvFixture.NEWDATA;
import static xpf.sim.xen.pv.PvFixture.P;
import static xpf.sim.xen.pv.PvFixture.UP;
import static xpf.sim.xen.pv.PvFixture.US;
import static xpf.sim.xen.pv.PvFixture.VA_L2;
import static xpf.sim.xen.pv.PvFixture.e;
import static xpf.sim.xen.pv.PvFixture.hypercall;
import static xpf.sim.xen.pv.PvFixture.mmuUpdate;
import static xpf.sim.xen.pv.PvFixture.mmuext;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.pteAddr;
import static xpf.sim.xen.pv.PvFixture.read;
import static xpf.sim.xen.pv.PvFixture.word;
import static xpf.sim.xen.pv.PvFixture.write;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.Errno;
import xpf.model.scenario.HypercallOp;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.PfErrorCode;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.x86.EntryBits;

/** Each seeded historic bug changes exactly the behaviour its advisory describes (docs/pv-path.md "Bug switches"). */
class BugSwitchTest {

    /** A 2 MiB-aligned L1 (frame 0x1200) behind L2[1]; frame 0x1201 belongs to the other domain. */
    static PvFixture superpageSetup() {
        PvFixture f = PvFixture.pv64();
        f.frames.put("l1big", 0x1200L);
        f.pte(L2, 1, e(0x1200, UP));
        return f;
    }

    @Test
    @DisplayName("xsa-148 seeded: PSE slips into an L2 entry through the fast path -> 2 MiB RW mapping")
    void xsa148() {
        long pse = e(0x1200, UP | EntryBits.PS);
        assertThat(superpageSetup().last(mmuUpdate(pteAddr(L2, 1), pse))).returned("mmu_update", -Errno.EINVAL);
        ScenarioRunner.Run r = superpageSetup().bug("xsa-148").run(mmuUpdate(pteAddr(L2, 1), pse),
                write(0x200000 + 0x10_0000, 0x41));
        assertThat(outcome(r, 0)).returned("mmu_update", 0);
        // The guest now writes frame 0x1300, which it never had a reference to.
        assertThat(outcome(r, 1)).isCompleted();
        assertThat(((PvDomain) r.domains().get("guest")).memory().readWord(0x1300L << 12)).isEqualTo(0x41);
    }

    @Test
    @DisplayName("xsa-182 seeded: RW added to a recursive L4 entry via the fast path; the guest writes its L4")
    void xsa182() {
        long recursive = (5L << 39) | (5L << 30) | (5L << 21) | (5L << 12);
        ScenarioRunner.Run fixed = PvFixture.pv64().run(mmuUpdate(pteAddr(L4, 5), e(L4, P | US | A)),
                mmuUpdate(pteAddr(L4, 5), e(L4, UP)), write(recursive + 6 * 8, e(FOREIGN, UP)));
        assertThat(outcome(fixed, 1)).returned("mmu_update", -Errno.EINVAL);
        assertThat(outcome(fixed, 2)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, recursive + 48);
        ScenarioRunner.Run buggy = PvFixture.pv64().bug("xsa-182").run(mmuUpdate(pteAddr(L4, 5),
                e(L4, P | US | A)), mmuUpdate(pteAddr(L4, 5), e(L4, UP)), write(recursive + 6 * 8, e(FOREIGN, UP)));
        assertThat(outcome(buggy, 1)).returned("mmu_update", 0);
        assertThat(outcome(buggy, 2)).isCompleted();
        assertThat(Pte.mfn(word(buggy, pteAddr(L4, 6)))).isEqualTo(FOREIGN);
    }

    @Test
    @DisplayName("xsa-240 seeded: linear page-table chains of any depth are accepted")
    void xsa240() {
        PvFixture f = PvFixture.pv64().bug("xsa-240");
        f.frames.put("b", 0x1010L);
        f.frames.put("c", 0x1011L);
        ScenarioRunner.Run r = f.run(mmuext(3, 0x1010, 0), mmuext(3, 0x1011, 0),
                mmuUpdate(pteAddr(L4, 5), e(0x1010, P | US | A)), mmuUpdate(pteAddr(0x1010, 5), e(0x1011, P | US | A)));
        assertThat(outcome(r, 3)).returned("mmu_update", 0);
    }

    /** H1 = L3[0] -> L2 -> L1 (L2 pinned, so H1 stays validated); H2 = L2' 0x100a -> L1' 0x100b. */
    static PvFixture xsa286Setup() {
        PvFixture f = PvFixture.pv64();
        f.frames.put("l2b", 0x100aL);
        f.frames.put("l1c", 0x100bL);
        f.pte(0x100a, 0, e(0x100b, UP));
        return f;
    }

    static ScenarioRunner.Run xsa286(PvFixture f) {
        HypercallOp mc = new HypercallOp.Multicall(List.of(
                new HypercallOp.UpdateVaMapping(0x7000, e(NEWDATA, UP), 0),
                new HypercallOp.MmuUpdate(List.of(new HypercallOp.MmuUpdate.Request(pteAddr(L3, 0), e(0x100a, UP))),
                        PvLayout.DOMID_SELF),
                new HypercallOp.UpdateVaMapping(0x8000, e(DATA, P | US | A), 0)));
        return f.run(mmuext(1, L2, 0), mmuext(1, 0x100a, 0), hypercall(mc));
    }

    @Test
    @DisplayName("xsa-286 seeded: no flush after an L3 change; update_va_mapping writes the old hierarchy's L1")
    void xsa286() {
        ScenarioRunner.Run fixed = xsa286(xsa286Setup());
        assertThat(outcome(fixed, 2)).returned("multicall", 0);
        assertThat(word(fixed, pteAddr(0x100b, 8))).isNotZero();
        assertThat(word(fixed, pteAddr(L1, 8))).isZero();
        ScenarioRunner.Run buggy = xsa286(xsa286Setup().bug("xsa-286"));
        assertThat(word(buggy, pteAddr(0x100b, 8))).isZero();
        assertThat(word(buggy, pteAddr(L1, 8))).isNotZero();
        // Xen 3.1 had the same behaviour.
        ScenarioRunner.Run old = xsa286(xsa286Setup().profile(XenProfile.XEN_3_1));
        assertThat(word(old, pteAddr(L1, 8))).isNotZero();
    }

    @Test
    @DisplayName("ptwr-l2 seeded: a write to an L2 table is emulated (validated as an L1 entry)")
    void ptwrL2() {
        assertThat(PvFixture.pv64().last(write(VA_L2 + 8, e(NEWDATA, UP)))).isDelivered(14, 3);
        ScenarioRunner.Run r = PvFixture.pv64().bug("ptwr-l2").run(write(VA_L2 + 8, e(NEWDATA, UP)));
        assertThat(outcome(r, 0)).isEmulated("ptwr");
        assertThat(Pte.mfn(word(r, pteAddr(L2, 1)))).isEqualTo(NEWDATA);
    }

    @Test
    @DisplayName("pv-u-bit seeded: a 64-bit kernel's fault keeps the hardware U bit (guest sees P|W|U)")
    void uBit() {
        assertThat(PvFixture.pv64().last(write(PvFixture.VA_COW, 1))).isDelivered(14, 3);
        assertThat(PvFixture.pv64().bug("pv-u-bit").last(write(PvFixture.VA_COW, 1))).isDelivered(14, 7);
        // A 32-bit kernel (ring 1) is unaffected: its hardware error code has no U.
        assertThat(PvFixture.pv32().bug("pv-u-bit").last(write(PvFixture.VA_COW, 1))).isDelivered(14, 3);
    }

    @Test
    @DisplayName("xsa-183 seeded: 32-bit bounce-frame stores without STAC on a user-mapped kernel stack: SMAP panic")
    void xsa183() {
        PvFixture fixed = PvFixture.pv32();
        fixed.pte(L1, 6, e(PvFixture.STACK, UP)); // the kernel stack on a user mapping
        assertThat(fixed.last(read(0x9000))).isDeliveredPageFault(0, 0x9000);
        PvFixture buggy = PvFixture.pv32().bug("xsa-183");
        buggy.pte(L1, 6, e(PvFixture.STACK, UP));
        assertThat(buggy.last(read(0x9000))).isPanic("smep_smap_in_xen");
        // A kernel-only stack is not affected, nor is a CPU without SMAP's Xen 3.1.
        PvFixture kernelStack = PvFixture.pv32().bug("xsa-183");
        assertThat(kernelStack.last(read(0x9000))).isDeliveredPageFault(0, 0x9000);
        PvFixture old = PvFixture.pv32().profile(XenProfile.XEN_3_1).bug("xsa-183");
        old.pte(L1, 6, e(PvFixture.STACK, UP));
        assertThat(old.last(read(0x9000))).isDeliveredPageFault(0, 0x9000);
    }

    @Test
    @DisplayName("no switch is on by default: a plain scenario records no bug")
    void switchesAreOffByDefault() {
        ScenarioRunner.Run r = PvFixture.pv64().run(read(0x9000));
        assertThat(PvFixture.view(r).bugs()).isEmpty();
        assertThat(L1).isNotEqualTo(L3);
    }
}
