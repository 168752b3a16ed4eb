package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;
import static xpf.sim.xen.hvm.ShPageFaultTest.*;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Insn;
import xpf.model.scenario.OutcomeClass;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PfErrorCode;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.trace.Trace;
import xpf.sim.trace.TraceEvent;

/**
 * What {@code xpf explain} shows of {@code sh_page_fault}: the decision records ({@code sh_page_fault.fast_path
 * result=…}, {@code guest_walk_tables}, {@code x86_emulate}, {@code sh_update_cr3}) and the TRC_SHADOW_* records with
 * their payloads (xen-hvm-fault-path.md §6): the gfn of an unshadowed or write-protected table, the va of a
 * fast-path exit, the gl1e of a propagated fault.
 */
class ShadowExplainTraceTest {

    static String line(ScenarioRunner.Run r, int step, String name) {
        return line(r.trace(), step, name);
    }

    static String line(Trace t, int step, String name) {
        return t.eventsOfStep(step).stream().filter(e -> e.name().equals(name)).map(TraceEvent::line).findFirst()
                .orElse("none");
    }

    @Test
    @DisplayName("F2c: the decision record and TRC_SHADOW_FALSE_FAST_PATH (+4) with the va")
    void falseFastPathRecord() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", USER_RW).run(step(read(DATA_VA)));
        HvmDomain d = dom(r);
        Trace t = new Trace();
        d.shadow().shPageFault(d.vcpu(0), DATA_VA, PfErrorCode.RSVD | PfErrorCode.P | PfErrorCode.U, read(DATA_VA),
                false, false, t);
        assertThat(line(t, 0, "sh_page_fault.fast_path")).endsWith("result=false_fast_path");
        assertThat(line(t, 0, "TRC_SHADOW_FALSE_FAST_PATH")).endsWith("id=0x0040f204 d0=0x400000 d1=0x0");
        assertThat(d.shadow().profile().name()).isEqualTo("xen-4.22");
    }

    @Test
    @DisplayName("F2b': the fast MMIO record names the gfn taken from the magic entry")
    void fastMmioRecord() {
        ScenarioRunner.Run r = svm().mapGfn(DEV_VA, DEV_GFN, USER_RW).device("r", "regs", DEV_GFN)
                .run(step(read(DEV_VA)), step(read(DEV_VA)));
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "mmio");
        assertThat(line(r, 1, "sh_page_fault.fast_path")).endsWith("result=mmio gfn=0x2000");
        assertThat(line(r, 1, "TRC_SHADOW_FAST_MMIO")).endsWith("id=0x0040f203 d0=0x700000 d1=0x0");
    }

    @Test
    @DisplayName("F7: the failed walk's record (ok=false, gfn -1) and TRC_SHADOW_NOT_SHADOW (+1)")
    void notShadowRecord() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", P | US | A).run(step(write(DATA_VA, 5)));
        Expect.step(r, 0, OutcomeClass.INJECTED, "error_code", "P|W|U");
        assertThat(line(r, 0, "guest_walk_tables")).contains("ok=false").contains("pfec=P|W|U")
                .endsWith("gfn=0xffffffffffffffff");
        assertThat(line(r, 0, "TRC_SHADOW_NOT_SHADOW")).contains("id=0x0040f201").contains("d2=0x400000");
    }

    @Test
    @DisplayName("F12: TRC_SHADOW_WRMAP_BF names the gfn of the table whose writable mapping went")
    void wrmapRecordGfn() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).cpl(0).run(step(write(PT_VA + 0x10, 0)), step(read(DATA_VA)));
        assertThat(line(r, 1, "TRC_SHADOW_WRMAP_BF")).endsWith("id=0x0040f00c d0=0x1034");
        HvmDomain d = dom(r);
        assertThat(line(r, 1, "sh_remove_write_access")).contains("mfn=0x" + Long.toHexString(mfnOf(d,
                L1_OF_DATA))).endsWith("removed=1");
    }

    @Test
    @DisplayName("E2/E8: the unshadow records carry the page table's gfn; the emulator's result is shown")
    void unshadowRecords() {
        ScenarioRunner.Run r = ptGuest(USER_RW).run(step(read(DATA_VA)), step(write(PT_VA + 0x10, 0x77)));
        assertThat(line(r, 1, "TRC_SHADOW_EMULATE_UNSHADOW_USER")).contains("id=0x0040f209 d0=0x1034 d1=0x0 "
                + "d2=0x600010 d3=0x0");
        ScenarioRunner.Run f = ptGuest(KERNEL_RW).cpl(0).run(step(read(DATA_VA)),
                step(write(PT_VA + 0x10, 0), emulatorFails()));
        assertThat(line(f, 1, "x86_emulate")).endsWith("result=UNHANDLEABLE cause=pt_write");
        assertThat(line(f, 1, "TRC_SHADOW_EMULATE_UNSHADOW_UNHANDLED")).contains("d0=0x1034 d1=0x0 d2=0x600010");
        assertThat(line(f, 1, "shadow_remove_all_shadows")).endsWith("why=unhandleable");
    }

    @Test
    @DisplayName("E7: the emulator's own #PF is injected and the page table stays shadowed (no unshadow)")
    void emulatorFaultKeepsShadow() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).cpl(0).run(step(read(DATA_VA)), step(write(PT_VA + 0xffc, 0)));
        Expect.step(r, 1, OutcomeClass.INJECTED, "vector", "14", "error_code", "W", "cr2", "0x601000");
        assertThat(line(r, 1, "x86_emulate")).endsWith("result=EXCEPTION cause=pt_write");
        assertThat(line(r, 1, "shadow_remove_all_shadows")).isEqualTo("none");
        HvmDomain d = dom(r);
        assertThat(d.view().pageTables()).containsKey(mfnOf(d, L1_OF_DATA));
    }

    @Test
    @DisplayName("sh_update_cr3: the record names the root, the top-level frame and the writable mappings removed")
    void updateCr3Record() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", USER_RW).mapGfn(PT_VA, 0x1000, KERNEL_RW).cpl(0)
                .run(step(write(PT_VA + 0x800, 0)), step(new xpf.model.scenario.ControlWrite(0x1000L << 12,
                        java.util.Set.of(), java.util.Set.of(), null, null)));
        HvmDomain d = dom(r);
        assertThat(line(r, 1, "sh_update_cr3")).endsWith("root=0x1000000 top_mfn=0x"
                + Long.toHexString(mfnOf(d, 0x1000)) + " writable_mappings_removed=0");
    }

    @Test
    @DisplayName("the shadow handler's summary record: result, rc, fixup, ec and va")
    void summaryRecord() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", USER_RW).run(step(new GuestAccess(DATA_VA, AccessKind.READ,
                8, null, null, false, false, Insn.LOAD, null)));
        assertThat(line(r, 0, "sh_page_fault")).endsWith("result=fixed rc=1 fixup=shadow_fixup ec=P|U va=0x400000");
    }

    @Test
    @DisplayName("sh_validate_guest_entry: the record counts the shadows revalidated; a 4-byte write at offset 4 "
            + "revalidates the entry it is part of")
    void validateRecord() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).cpl(0).run(step(read(DATA_VA)),
                step(new GuestAccess(PT_VA + 4, AccessKind.WRITE, 4, 0L, 0, false, false, Insn.MOV, null)),
                step(write(PT_VA + 0x10, 0)));
        HvmDomain d = dom(r);
        String mfn = "mfn=0x" + Long.toHexString(mfnOf(d, L1_OF_DATA));
        assertThat(line(r, 1, "sh_validate_guest_entry")).contains(mfn).endsWith("offset=0x4 size=4 shadows=1");
        assertThat(line(r, 2, "sh_validate_guest_entry")).contains(mfn).endsWith("offset=0x10 size=8 shadows=0");
    }

    @Test
    @DisplayName("sh_update_cr3 at the vCPU's first CR3 load: the top-level shadow exists and the guest's top "
            + "level is a shadowed page table before any fault")
    void topLevelBeforeAnyFault() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", USER_RW).run();
        HvmDomain d = dom(r);
        assertThat(d.view().shadows()).containsKey(0x1000L << 12);
        assertThat(d.view().pageTables()).containsOnlyKeys(mfnOf(d, 0x1000));
        assertThat(d.view().pageTables().get(mfnOf(d, 0x1000))).containsExactly(4);
    }

    @Test
    @DisplayName("hvm.3.4 xen-3.1: a PT write that clears a guest PTE leaves the gnp magic in the shadow; the next "
            + "access is injected by the fast path, without a walk")
    void gnpAfterValidation31() {
        ScenarioRunner.Run r = svm().xen(xpf.model.scenario.XenProfile.XEN_3_1).map(DATA_VA, "data", USER_RW)
                .mapGfn(PT_VA, L1_OF_DATA, KERNEL_RW).run(step(read(DATA_VA)),
                        step(new GuestAccess(PT_VA, AccessKind.WRITE, 8, 0L, 0, false, false, Insn.MOV, null)),
                        step(read(DATA_VA)));
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "pt_write");
        Expect.step(r, 2, OutcomeClass.INJECTED, "vector", "14", "error_code", "U", "cr2", "0x400000");
        assertThat(line(r, 2, "sh_page_fault.fast_path")).contains("result=guest_not_present");
        assertThat(r.trace().eventsOfStep(2).stream().map(TraceEvent::line)
                .filter(l -> l.contains("guest_walk_tables va=0x400000"))).as("no walk of the faulting va").isEmpty();
    }

    @Test
    @DisplayName("F11: shadow_prealloc failing is shown; XSA-173 switch: the BUG names the gfn and its truncation")
    void crashAndPanicRecords() {
        ScenarioRunner.Run oom = svm().map(DATA_VA, "data", USER_RW).run(step(read(DATA_VA), shadowOom()));
        assertThat(line(oom, 0, "shadow_prealloc")).endsWith("result=failed");
        ScenarioRunner.Run bug = HistoricBugsTest.bigGpa().bug("xsa-173").run(step(read(0x800000)));
        Expect.step(bug, 0, OutcomeClass.PANIC, "reason", "shadow_gfn_truncated");
        String detail = ((xpf.model.scenario.Outcome.Panic) bug.steps().get(0).outcome()).detail();
        assertThat(detail).contains("shadowed superpage gfn 0x100000000 truncated to 0x0 in its backpointer");
    }

    @Test
    @DisplayName("F16: l1e_propagate_from_guest shows the guest l1e, the shadow l1e and the fetch type")
    void propagateRecord() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", USER_RW).run(step(write(DATA_VA, 1)));
        HvmDomain d = dom(r);
        long gl1e = (0x1010L << 12) | USER_RW;
        long sl1e = (mfnOf(d, 0x1010) << 12) | USER_RW;
        assertThat(line(r, 0, "l1e_propagate_from_guest")).endsWith("gl1e=0x" + Long.toHexString(gl1e) + " sl1e=0x"
                + Long.toHexString(sl1e) + " ft=demand_write");
    }
}
