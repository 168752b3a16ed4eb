package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static xpf.sim.xen.pv.PvFixture.A;
import static xpf.sim.xen.pv.PvFixture.DATA;
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
import static xpf.sim.xen.pv.PvFixture.mmuUpdate;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.pteAddr;
import static xpf.sim.xen.pv.PvFixture.read;
import static xpf.sim.xen.pv.PvFixture.write;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.Errno;
import xpf.model.scenario.Insn;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.PfErrorCode;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.trace.Trace;
import xpf.sim.trace.TraceEvent;
import xpf.sim.x86.EntryBits;

/**
 * Where Xen 3.1 and Xen 4.22 differ (xen-pv-fault-path.md §8, §4.3, §3.1; Xen31PvProfile / Xen422PvProfile) pinned
 * one by one through what a guest sees: the flags {@code mod_lN_entry} refuses ({@code BASE_DISALLOW_MASK},
 * {@code COMPAT_L3_DISALLOW_MASK}), the fast paths ({@code l1e_has_changed}), linear page tables at a 32-bit L3
 * (XSA-185), the error codes that reach ptwr, mmu_update's errno, read-only MMIO, {@code page_lock} in ptwr, the
 * flush in {@code free_page_type}, and the constants of the layout ({@code IN_HYPERVISOR_RANGE}, {@code __addr_ok},
 * the bad-stack range of {@code create_bounce_frame}, {@code VM_ASSIST_VALID}). Written to kill the mutants PIT found
 * surviving in the profiles, PvLayout and XenGuestAccess (docs/mutation.md).
 */
class ProfileEdgesTest {
    static final long PSE = EntryBits.PS;
    static final long NX = EntryBits.XD;
    static final long PCD = EntryBits.PCD;
    static final long AVAIL_HIGH_52 = 1L << 52;

    static List<Map<String, String>> events(ScenarioRunner.Run r, int step, TraceEvent.Kind kind, String name) {
        return GuestStepsEdgesTest.events(r, step, kind, name);
    }

    static PvFixture v31() {
        return PvFixture.pv64().profile(XenProfile.XEN_3_1);
    }

    // ---- disallow masks (§4.3, §8.6) ----

    @Test
    @DisplayName("pv.8.6 3.1 BASE_DISALLOW_MASK: an L2 entry with PSE is refused (-EINVAL)")
    void xen31RefusesPseAtL2() {
        assertThat(v31().last(mmuUpdate(pteAddr(L2, 1), e(L1B, UP | PSE)))).returned("mmu_update",
                -Errno.EINVAL);
        assertThat(v31().last(mmuUpdate(pteAddr(L2, 1), e(L1B, UP)))).returned("mmu_update", 0);
    }

    @Test
    @DisplayName("pv.8.6 3.1 L1 mask: NX allowed on an NX CPU, PAT (bit 7) refused, PCD allowed (4.22 refuses PCD)")
    void xen31L1Flags() {
        assertThat(v31().last(mmuUpdate(pteAddr(L1, 9), e(NEWDATA, UP | NX)))).returned("mmu_update", 0);
        assertThat(v31().last(mmuUpdate(pteAddr(L1, 9), e(NEWDATA, UP | PSE)))).returned("mmu_update",
                -Errno.EINVAL);
        assertThat(v31().last(mmuUpdate(pteAddr(L1, 9), e(NEWDATA, UP | PCD)))).returned("mmu_update", 0);
        assertThat(PvFixture.pv64().last(mmuUpdate(pteAddr(L1, 9), e(NEWDATA, UP | PCD)))).returned("mmu_update",
                -Errno.EINVAL);
    }

    @Test
    @DisplayName("pv.4.3 3.1 COMPAT_L3_DISALLOW_MASK refuses RW in a 32-bit guest's L3 entry")
    void xen31CompatL3RefusesRw() {
        PvFixture f = PvFixture.pv32().profile(XenProfile.XEN_3_1);
        assertThat(f.last(mmuUpdate(pteAddr(L4, 1), e(L1B, P | RW)))).returned("mmu_update", -Errno.EINVAL);
        assertThat(PvFixture.pv32().profile(XenProfile.XEN_3_1).last(mmuUpdate(pteAddr(L4, 1), e(L1B, P))))
                .returned("mmu_update", 0);
    }

    @Test
    @DisplayName("pv.4.3 4.22: a 64-bit guest's L3 entry uses the base mask (available high bits allowed); a 32-bit "
            + "guest's L3 the 0xFFFFF198 mask (high bits refused)")
    void xen422L3Masks() {
        assertThat(PvFixture.pv64().last(mmuUpdate(pteAddr(L3, 1), e(L1B, UP | AVAIL_HIGH_52))))
                .returned("mmu_update", 0);
        assertThat(PvFixture.pv32().last(mmuUpdate(pteAddr(L4, 1), e(L1B, P | AVAIL_HIGH_52))))
                .returned("mmu_update", -Errno.EINVAL);
    }

    // ---- fast paths (§8.4) ----

    @Test
    @DisplayName("pv.8.4 3.1 L1 fast path compares frame+P+RW: making a page-table mapping writable is validated "
            + "(and refused, -EINVAL)")
    void xen31L1FastPathComparesRw() {
        // L1[3] maps L1 itself read-only; the same frame with RW must not pass the fast path.
        ScenarioRunner.Run r = v31().run(mmuUpdate(pteAddr(L1, 3), e(L1, P | RW | US | A)));
        assertThat(outcome(r, 0)).returned("mmu_update", -Errno.EINVAL);
        assertThat(PvFixture.word(r, pteAddr(L1, 3)) & RW).isZero();
    }

    @Test
    @DisplayName("pv.8.4 3.1 upper-level fast path compares frame+P: a not-present entry made present is validated")
    void xen31PdeFastPathComparesPresence() {
        // L2[1] first holds DATA's frame not present; making it present asks DATA to become an L1, which it cannot
        // be (L1[1] maps it writable).
        ScenarioRunner.Run r = v31().run(mmuUpdate(pteAddr(L2, 1), e(DATA, 0)), mmuUpdate(pteAddr(L2, 1),
                e(DATA, UP)));
        assertThat(outcome(r, 0)).returned("mmu_update", 0);
        assertThat(outcome(r, 1)).returned("mmu_update", -Errno.EINVAL);
    }

    // ---- linear page tables at a 32-bit L3 (§8.5, XSA-185) ----

    @Test
    @DisplayName("pv.8.5 / XSA-185 a 32-bit guest's L3 entry pointing at its own L3: 3.1 took it as linear, 4.22 refuses")
    void linearPtAtPv32L3() {
        assertThat(PvFixture.pv32().profile(XenProfile.XEN_3_1).last(mmuUpdate(pteAddr(L4, 1), e(L4, P))))
                .returned("mmu_update", 0);
        assertThat(PvFixture.pv32().last(mmuUpdate(pteAddr(L4, 1), e(L4, P)))).returned("mmu_update",
                -Errno.EINVAL);
    }

    // ---- mmu_update errno (§8.8) ----

    @Test
    @DisplayName("pv.8.8 3.1 mmu_update collapses errors to -EINVAL but keeps -ESRCH")
    void xen31ErrnoCollapse() {
        assertThat(v31().last(PvFixture.hypercall(new xpf.model.scenario.HypercallOp.MmuUpdate(List.of(
                new xpf.model.scenario.HypercallOp.MmuUpdate.Request(pteAddr(L1, 9), e(NEWDATA, UP))), 0x7FE0))))
                .returned("mmu_update", -Errno.ESRCH);
        assertThat(v31().last(mmuUpdate(pteAddr(L1, 9), e(PvFixture.FOREIGN, UP)))).returned("mmu_update",
                -Errno.EINVAL);
    }

    // ---- which error codes reach ptwr (§2.3 d, §8.3) ----

    @Test
    @DisplayName("pv.8.3 ptwr's error-code filter: 3.1 needs only W; 4.22 also P unless the domain is shadowed")
    void ptwrErrorCodeFilter() {
        String kernL1e = "guest_get_eff_kern_l1e";
        // a kernel read fault: no W, ptwr is never asked (both profiles)
        ScenarioRunner.Run rd31 = v31().run(read(0x9000));
        assertThat(rd31.trace().render()).doesNotContain("guest_get_eff_l1e");
        ScenarioRunner.Run rd = PvFixture.pv64().run(read(0x9000));
        assertThat(events(rd, 0, TraceEvent.Kind.CALL, kernL1e)).isEmpty();
        // a kernel write to a not-present page: 3.1 asks ptwr (no P filter), 4.22 does not
        ScenarioRunner.Run wr31 = v31().run(write(0x9000, 1));
        assertThat(events(wr31, 0, TraceEvent.Kind.CALL, "guest_get_eff_l1e")).isNotEmpty();
        assertThat(outcome(wr31, 0)).isDeliveredPageFault(PfErrorCode.W, 0x9000);
        ScenarioRunner.Run wr = PvFixture.pv64().run(write(0x9000, 1));
        assertThat(events(wr, 0, TraceEvent.Kind.CALL, kernL1e)).isEmpty();
        assertThat(outcome(wr, 0)).isDeliveredPageFault(PfErrorCode.W, 0x9000);
        // ... unless paging (log-dirty) is on: then a not-present write qualifies too
        ScenarioRunner.Run ld = PvFixture.pv64().param("log_dirty", 1).run(write(0x9000, 1));
        assertThat(events(ld, 0, TraceEvent.Kind.CALL, kernL1e)).isNotEmpty();
        // ... but still only a write: a not-present read in a log-dirty domain is not ptwr's
        ScenarioRunner.Run ldRead = PvFixture.pv64().param("log_dirty", 1).run(read(0x9000));
        assertThat(events(ldRead, 0, TraceEvent.Kind.CALL, kernL1e)).isEmpty();
    }

    // ---- page_lock in ptwr (§3.1 step 5) ----

    @Test
    @DisplayName("pv.3.1 ptwr on a frame the domain does not own: 4.22's get_page_from_mfn refuses it first; 3.1 "
            + "(big lock, no page_lock) only finds it is no validated L1")
    void ptwrOnAnIoFrame() {
        long mmio = 0xfee00;
        PvFixture now = PvFixture.pv64().param("mmio_mfn", mmio);
        now.pte(L1, 8, e(mmio, P | US | A));
        ScenarioRunner.Run r = now.run(write(0x8000, 8, 1, Insn.MOV));
        assertThat(outcome(r, 0)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, 0x8000);
        assertThat(events(r, 0, TraceEvent.Kind.CALL, "ptwr_do_page_fault")).anySatisfy(m -> assertThat(m)
                .containsEntry("why", "frame not owned by the domain"));
        PvFixture old = PvFixture.pv64().profile(XenProfile.XEN_3_1).param("mmio_mfn", mmio);
        old.pte(L1, 8, e(mmio, P | US | A));
        ScenarioRunner.Run o = old.run(write(0x8000, 8, 1, Insn.MOV));
        assertThat(outcome(o, 0)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, 0x8000);
        assertThat(events(o, 0, TraceEvent.Kind.CALL, "ptwr_do_page_fault"))
                .noneSatisfy(m -> assertThat(m).containsEntry("why", "frame not owned by the domain"))
                .anySatisfy(m -> assertThat(m.get("why")).contains("not a validated L1"));
    }

    // ---- read-only MMIO (§3.6, §8.3) ----

    @Test
    @DisplayName("pv.8.3 3.1 had no mmio_ro ranges: the hardware domain's MMIO mapping stays writable and the write "
            + "completes; 4.22 maps it read-only and emulates the write")
    void xen31HasNoMmioRo() {
        long mmio = 0xfee00;
        PvFixture f = PvFixture.pv64().profile(XenProfile.XEN_3_1).param("mmio_ro_mfn", mmio);
        f.hardwareDomain = true;
        f.assists.clear();
        f.pte(L1, 8, e(mmio, UP));
        ScenarioRunner.Run r = f.run(write(0x8000, 4, 0x1234, Insn.MOV));
        assertThat(outcome(r, 0)).isCompleted();
        assertThat(PvFixture.word(r, pteAddr(L1, 8)) & RW).as("L1[8] keeps RW").isEqualTo(RW);
        PvFixture g = PvFixture.pv64().param("mmio_ro_mfn", mmio);
        g.hardwareDomain = true;
        g.assists.clear();
        g.pte(L1, 8, e(mmio, UP));
        ScenarioRunner.Run n = g.run(write(0x8000, 4, 0x1234, Insn.MOV));
        assertThat(outcome(n, 0)).isEmulated("mmio_ro");
        assertThat(PvFixture.word(n, pteAddr(L1, 8)) & RW).as("L1[8] made read-only").isZero();
    }

    // ---- shadow stack (§8.6) ----

    @Test
    @DisplayName("pv.8.6 3.1 knew no shadow stacks: a #PF with the SS bit is handled like any other, no panic")
    void xen31NoShadowStackPanic() {
        PvDomain d = (PvDomain) v31().run().domains().get("guest");
        d.useTrace(new Trace());
        int ec = PfErrorCode.SS | PfErrorCode.P | PfErrorCode.W;
        Fix f = d.traps().handlePF(d.vcpu(0), PfRegs.guest(0xe033, 0, 0x202, ec), 0x9000);
        assertThat(f.kind()).as("forwarded to the guest, no shstk_page_fault panic").isEqualTo(Fix.Kind.FORWARDED);
    }

    // ---- free_page_type's flush (3.1) ----

    @Test
    @DisplayName("pv.8.5 3.1 flushed in free_page_type when a page table lost its type; 4.22 does not flush there")
    void flushOnDevalidate() {
        ScenarioRunner.Run old = v31().run(mmuUpdate(pteAddr(L2, 0), 0));
        assertThat(events(old, 0, TraceEvent.Kind.CALL, "flush_tlb_mask"))
                .anySatisfy(m -> assertThat(m).containsEntry("why", "free_page_type"));
        ScenarioRunner.Run now = PvFixture.pv64().run(mmuUpdate(pteAddr(L2, 0), 0));
        assertThat(events(now, 0, TraceEvent.Kind.CALL, "flush_tlb_mask"))
                .noneSatisfy(m -> assertThat(m).containsEntry("why", "free_page_type"));
    }

    // ---- constants: the bad-stack range, VM_ASSIST_VALID, the layout ----

    @Test
    @DisplayName("pv.8.7 create_bounce_frame's bad-stack range: 3.1 HVS <= sp < HVE+60, 4.22 HVS < sp < HVE+64")
    void bounceStackRanges() {
        PvProfile old = Xen31PvProfile.INSTANCE;
        assertThat(old.bounceStackInXenRange(PvLayout.HYPERVISOR_VIRT_START)).isTrue();
        assertThat(old.bounceStackInXenRange(PvLayout.HYPERVISOR_VIRT_START - 1)).isFalse();
        assertThat(old.bounceStackInXenRange(PvLayout.HYPERVISOR_VIRT_END + 59)).isTrue();
        assertThat(old.bounceStackInXenRange(PvLayout.HYPERVISOR_VIRT_END + 60)).isFalse();
        PvProfile now = Xen422PvProfile.INSTANCE;
        assertThat(now.bounceStackInXenRange(PvLayout.HYPERVISOR_VIRT_START)).isFalse();
        assertThat(now.bounceStackInXenRange(PvLayout.HYPERVISOR_VIRT_START + 1)).isTrue();
        assertThat(now.bounceStackInXenRange(PvLayout.HYPERVISOR_VIRT_END + 63)).isTrue();
        assertThat(now.bounceStackInXenRange(PvLayout.HYPERVISOR_VIRT_END + 64)).isFalse();
    }

    @Test
    @DisplayName("pv.1 VM_ASSIST_VALID: 3.1 knew types 0..3; 4.22 0..5 and m2p_strict (32) for 64-bit guests")
    void vmAssistTypes() {
        PvProfile old = Xen31PvProfile.INSTANCE;
        assertThat(old.vmAssistKnown(0, false)).isTrue();
        assertThat(old.vmAssistKnown(3, false)).isTrue();
        assertThat(old.vmAssistKnown(4, false)).isFalse();
        assertThat(old.vmAssistKnown(-1, false)).isFalse();
        PvProfile now = Xen422PvProfile.INSTANCE;
        assertThat(now.vmAssistKnown(0, true)).isTrue();
        assertThat(now.vmAssistKnown(5, true)).isTrue();
        assertThat(now.vmAssistKnown(6, false)).isFalse();
        assertThat(now.vmAssistKnown(-1, false)).isFalse();
        assertThat(now.vmAssistKnown(32, false)).isTrue();
        assertThat(now.vmAssistKnown(32, true)).isFalse();
        // the hypercall answers the same: type 4 (architectural_iopl) is unknown to 3.1
        assertThat(v31().last(PvFixture.hypercall(new xpf.model.scenario.HypercallOp.VmAssist(0, 4))))
                .returned("vm_assist", -Errno.EINVAL);
        assertThat(PvFixture.pv64().last(PvFixture.hypercall(new xpf.model.scenario.HypercallOp.VmAssist(0, 4))))
                .returned("vm_assist", 0);
    }

    @Test
    @DisplayName("pv.1 IN_HYPERVISOR_RANGE is [HYPERVISOR_VIRT_START, HYPERVISOR_VIRT_END); __addr_ok excludes "
            + "[2^47, HYPERVISOR_VIRT_END)")
    void layoutRanges() {
        assertThat(PvLayout.inHypervisorRange(PvLayout.HYPERVISOR_VIRT_START)).isTrue();
        assertThat(PvLayout.inHypervisorRange(PvLayout.HYPERVISOR_VIRT_START - 1)).isFalse();
        assertThat(PvLayout.inHypervisorRange(PvLayout.HYPERVISOR_VIRT_END - 1)).isTrue();
        assertThat(PvLayout.inHypervisorRange(PvLayout.HYPERVISOR_VIRT_END)).isFalse();
        assertThat(PvLayout.addrOk((1L << 47) - 1)).isTrue();
        assertThat(PvLayout.addrOk(1L << 47)).isFalse();
        assertThat(PvLayout.addrOk(PvLayout.HYPERVISOR_VIRT_END - 1)).isFalse();
        assertThat(PvLayout.addrOk(PvLayout.HYPERVISOR_VIRT_END)).isTrue();
    }

    @Test
    @DisplayName("pv.1 the profiles name their Xen")
    void profileIds() {
        assertThat(Xen31PvProfile.INSTANCE.id()).isEqualTo(XenProfile.XEN_3_1);
        assertThat(Xen422PvProfile.INSTANCE.id()).isEqualTo(XenProfile.XEN_4_22);
        assertThat(Xen422PvProfile.INSTANCE.version()).isEqualTo("4.22");
        assertThat(Xen31PvProfile.INSTANCE.version()).isEqualTo("3.1");
    }

    // ---- Xen's own accesses to guest memory (XenGuestAccess) ----

    @Test
    @DisplayName("pv.5.7 a bounce-frame store to a non-canonical stack: #GP in Xen, fixed up by the exception table")
    void xenContextGpIsTraced() {
        PvFixture f = PvFixture.pv64().user();
        f.kernelSp = PvLayout.HYPERVISOR_VIRT_START;
        ScenarioRunner.Run r = f.run(read(0x9000));
        assertThat(outcome(r, 0)).isDomainCrash("bounce_frame_fault");
        assertThat(events(r, 0, TraceEvent.Kind.HARDWARE, "#GP")).anySatisfy(m -> assertThat(m)
                .containsEntry("in", "Xen"));
        assertThat(events(r, 0, TraceEvent.Kind.CALL, "extable_fixup")).anySatisfy(m -> assertThat(m)
                .containsEntry("result", "fixed"));
    }

    @Test
    @DisplayName("pv.2.2 a fault on Xen's copy from guest memory is a #PF in Xen at the address, with its site")
    void xenContextPfIsTraced() {
        PvDomain d = (PvDomain) PvFixture.pv64().run().domains().get("guest");
        Trace t = new Trace();
        d.useTrace(t);
        assertThat(d.access().read(d.vcpu(0), 0x9008, 8, XenSite.COPY_FROM_GUEST).ok()).isFalse();
        assertThat(t.render()).contains("#PF").contains("0x9008");
        assertThat(t.events()).anySatisfy(ev -> {
            assertThat(ev.kind()).isEqualTo(TraceEvent.Kind.HARDWARE);
            assertThat(ev.fields()).containsEntry("in", "Xen").containsEntry("va", "0x9008");
        });
    }
}
