package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;
import static xpf.sim.xen.hvm.ShPageFaultTest.*;

import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Insn;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PfErrorCode;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.trace.Trace;
import xpf.sim.xen.mm.shadow.ShadowPaging;

/**
 * Rows of {@code sh_page_fault} (xen-hvm-fault-path.md §3, F1-F21 / E2-E8, and the 3.0.4/3.1 order of §3.4) that the
 * outcome-level tests of {@link ShPageFaultTest} do not tell apart: which bail the 3.1 handler takes, the promotion
 * levels, what an unshadow of an in-use top level does, and the fast-emulation flag across E5.
 */
class ShadowFaultPathTest {

    static GuestAccess kernelWrite(long va, long value) {
        return new GuestAccess(va, AccessKind.WRITE, 8, value, 0, false, false, Insn.MOV, null);
    }

    /** An access at CPL 3 (after an injected #PF the vCPU runs its CPL-0 handler). */
    static GuestAccess user(long va, AccessKind k) {
        return new GuestAccess(va, k, k == AccessKind.FETCH ? 1 : 8, k == AccessKind.WRITE ? 1L : null, 3, false,
                false, k == AccessKind.WRITE ? Insn.MOV : Insn.LOAD, null);
    }

    static String bail(ScenarioRunner.Run r, int step) {
        return r.trace().eventsOfStep(step).stream().filter(e -> e.name().equals("sh_page_fault.bail"))
                .map(e -> e.fields().get("reason")).findFirst().orElse("none");
    }

    @Test
    @DisplayName("hvm.3.4 xen-3.1 bails after its walk with the unmodified hardware ec: user access to a supervisor "
            + "page first (U), then a write to a read-only page (W|U), then a fetch from NX (U|I)")
    void bails31() {
        HvmFixture f = svm().xen(XenProfile.XEN_3_1).frame("k", 0x1011).frame("ro", 0x1012).frame("x", 0x1013)
                .map(DATA_VA, "k", P | A | D).map(DATA_VA + 0x1000, "ro", P | US | A | D)
                .map(DATA_VA + 0x2000, "x", USER_RW | NX);
        ScenarioRunner.Run r = f.run(step(user(DATA_VA, AccessKind.WRITE)), step(user(DATA_VA + 0x1000,
                AccessKind.WRITE)), step(user(DATA_VA + 0x2000, AccessKind.FETCH)), step(user(DATA_VA + 0x1000,
                AccessKind.READ)));
        assertThat(bail(r, 0)).isEqualTo("user_to_supervisor");
        Expect.step(r, 0, OutcomeClass.INJECTED, "vector", "14", "error_code", "W|U", "cr2", "0x400000");
        assertThat(bail(r, 1)).isEqualTo("write_to_read_only");
        Expect.step(r, 1, OutcomeClass.INJECTED, "vector", "14", "error_code", "W|U", "cr2", "0x401000");
        assertThat(bail(r, 2)).isEqualTo("fetch_from_nx");
        Expect.step(r, 2, OutcomeClass.INJECTED, "vector", "14", "error_code", "U|I", "cr2", "0x402000");
        assertThat(bail(r, 3)).as("a read of the read-only page is no bail").isEqualTo("none");
        ScenarioRunner.Run nxRead = svm().xen(XenProfile.XEN_3_1).frame("x", 0x1013).map(DATA_VA, "x", USER_RW | NX)
                .run(step(user(DATA_VA, AccessKind.READ)));
        assertThat(bail(nxRead, 0)).as("a read of an NX page is no bail").isEqualTo("none");
        Expect.step(nxRead, 0, OutcomeClass.FIXED, "fixup", "shadow_fixup");
    }

    @Test
    @DisplayName("hvm.3.4 xen-3.1 F2 false alarm: RSVD on an entry that is not magic clears RSVD and falls through "
            + "to the slow path (4.22 returns at once as spurious)")
    void falseAlarm31() {
        ScenarioRunner.Run r = svm().xen(XenProfile.XEN_3_1).map(DATA_VA, "data", USER_RW).run(step(read(DATA_VA)));
        HvmDomain d = dom(r);
        Trace t = new Trace();
        ShadowPaging.Result res = d.shadow().shPageFault(d.vcpu(0), DATA_VA, PfErrorCode.RSVD | PfErrorCode.P
                | PfErrorCode.U, read(DATA_VA), false, false, t);
        assertThat(res.kind()).isEqualTo(ShadowPaging.Kind.FIXED);
        assertThat(res.fixup()).isEqualTo("shadow_fixup");
        assertThat(res.errorCode()).as("RSVD cleared").isEqualTo(PfErrorCode.P | PfErrorCode.U);
        assertThat(t.render()).contains("result=false_alarm").contains("guest_walk_tables");
    }

    @Test
    @DisplayName("hvm.3.F14 / sh_update_cr3: the guest tables are promoted at their levels (L4 4, L3 3, L2 2, L1 1)")
    void promotionLevels() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", USER_RW).run(step(read(DATA_VA)));
        HvmDomain d = dom(r);
        assertThat(d.view().pageTables()).containsEntry(mfnOf(d, 0x1000), Set.of(4))
                .containsEntry(mfnOf(d, 0x1031), Set.of(3)).containsEntry(mfnOf(d, 0x1032), Set.of(2))
                .containsEntry(mfnOf(d, L1_OF_DATA), Set.of(1));
    }

    @Test
    @DisplayName("hvm.3.E2/E8 a user write to the guest's own top-level table: its shadow is in use, so "
            + "sh_remove_shadows cannot find all shadows and crashes the domain")
    void unshadowInUseTopLevelCrashes() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", USER_RW).mapGfn(PT_VA, 0x1000, USER_RW)
                .run(step(read(DATA_VA)), step(write(PT_VA + 0x800, 0)));
        Expect.step(r, 1, OutcomeClass.DOMAIN_CRASH, "reason", "sh_remove_shadows");
        assertThat(r.trace().render()).contains("can't find all shadows of mfn");
        String s1 = r.trace().eventsOfStep(1).toString();
        assertThat(s1).as("no unshadow record, no retry: the handler returns 0").contains("result=crashed")
                .doesNotContain("TRC_SHADOW_EMULATE_UNSHADOW_USER");
    }

    @Test
    @DisplayName("hvm.3.E2 a user write to a lower-level table (not a top level) unshadows it, no crash")
    void unshadowLowerLevelIsFine() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", USER_RW).mapGfn(PT_VA, 0x1032, USER_RW)
                .run(step(read(DATA_VA)), step(write(PT_VA + 0x800, 0)));
        Expect.step(r, 1, OutcomeClass.FIXED, "fixup", "unshadow_user");
        HvmDomain d = dom(r);
        assertThat(d.view().pageTables()).doesNotContainKey(mfnOf(d, 0x1032)).containsKey(mfnOf(d, 0x1000));
        assertThat(d.view().shadows().get(0x1000L << 12)).as("shadows built through the PD are gone")
                .doesNotContainKey(DATA_VA >>> 12);
    }

    @Test
    @DisplayName("hvm.3.E5 a fast-path emulation (F1) that meets a pending event unshadows and forgets the frame "
            + "(last_write_emul_ok = 0): the next write to the page walks and is fixed, not emulated")
    void fastPathEventPendingForgetsFrame() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).cpl(0).gate(0x30).run(step(read(DATA_VA)),
                step(write(PT_VA + 0x10, 0)), step(write(PT_VA + 0x18, 0), pendingEvent(0x30, "ext_intr", null)),
                step(write(PT_VA + 0x20, 0)));
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "pt_write");
        assertThat(r.trace().eventsOfStep(2).toString()).contains("fast_emulation")
                .contains("TRC_SHADOW_EMULATE_UNSHADOW_EVTINJ");
        assertThat(dom(r).shadow().fastEmulationState(0)).containsEntry("last_write_emul_ok", 0L);
        Expect.step(r, 3, OutcomeClass.FIXED, "fixup", "shadow_fixup");
        assertThat(r.trace().eventsOfStep(3).toString()).doesNotContain("fast_emulation");
    }

    @Test
    @DisplayName("hvm.3.E8 a fast-path emulation that fails unshadows and forgets the frame")
    void fastPathFailureForgetsFrame() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).cpl(0).run(step(read(DATA_VA)), step(write(PT_VA + 0x10, 0)),
                step(write(PT_VA + 0x18, 0), emulatorFails()), step(write(PT_VA + 0x20, 0)));
        Expect.step(r, 2, OutcomeClass.FIXED, "fixup", "unshadow_unhandled");
        assertThat(r.trace().eventsOfStep(2).toString()).contains("fast_emulation");
        assertThat(dom(r).shadow().fastEmulationState(0)).containsEntry("last_write_emul_ok", 0L);
        Expect.step(r, 3, OutcomeClass.OK);
    }

    @Test
    @DisplayName("hvm.3.F12 TRC_SHADOW_FIXUP carries the path flags: WRMAP (bit 10) and WRMAP_BRUTE_FORCE (bit 12) "
            + "when a writable mapping of a walked table was removed, not otherwise")
    void wrmapPathFlags() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).cpl(0).run(step(write(PT_VA + 0x10, 0)), step(read(DATA_VA)));
        long withRemoval = fixupFlags(r, 1);
        assertThat(withRemoval & 0x1400).isEqualTo(0x1400);
        assertThat(fixupFlags(r, 0) & 0x1400).isZero();
    }

    static long fixupFlags(ScenarioRunner.Run r, int step) {
        var ev = r.trace().eventsOfStep(step).stream().filter(e -> e.name().equals("TRC_SHADOW_FIXUP")).findFirst()
                .orElseThrow();
        String last = ev.fields().get("d4"); // 64-bit guest: gl1e (2 words), va (2 words), flags
        return Long.decode(last);
    }

    @Test
    @DisplayName("hvm.3.4 xen-3.1: a write of an event delivery (the #PF frame pushed onto a kernel stack that is the "
            + "guest's own L4) is not emulated: hvm_event_injection_faulted ⇒ unshadow, which cannot drop an in-use "
            + "top level ⇒ domain crash")
    void deliveryWriteToPageTable31() {
        for (XenProfile p : new XenProfile[] {XenProfile.XEN_3_1, XenProfile.XEN_4_22}) {
            ScenarioRunner.Run r = svm().xen(p).frame("stack", 0x1000).map(DATA_VA, "data", USER_RW)
                    .run(step(read(DATA_VA)), step(read(0x900000)));
            Expect.step(r, 1, OutcomeClass.DOMAIN_CRASH, "reason", "sh_remove_shadows");
            assertThat(r.trace().eventsOfStep(1).stream().filter(e -> e.name().equals("shadow_remove_all_shadows"))
                    .findFirst().orElseThrow().line()).as(p.toString()).endsWith("why=event_pending");
            assertThat(r.trace().eventsOfStep(1).toString()).as(p.toString()).doesNotContain("x86_emulate");
        }
    }
}
