package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.ControlFlag;
import xpf.model.scenario.ControlWrite;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.Invlpg;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PfErrorCode;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.trace.Trace;
import xpf.sim.xen.mm.shadow.ShadowL1e;
import xpf.sim.xen.mm.shadow.ShadowPaging;
import xpf.sim.xen.mm.walk.GuestWalk;
import xpf.sim.xen.mm.walk.GuestWalker;

/**
 * Each outcome row of {@code sh_page_fault} (xen-hvm-fault-path.md §3: F1-F21, E2-E12) through the SVM path (the VMX
 * path shares it), with the shadow state checked through the domain's view and the §3.3 invariants after each run.
 *
 * <p>Layout (deterministic allocation, checked by {@link #layout}): the standard fixture's mapping helper takes the
 * spare frames 0x1031 (PDPT), 0x1032 (PD) and 0x1033 (the L1 of the stack/IDT) first; the data mapping at 0x400000
 * then gets L1 table gfn 0x1034; a mapping at 0x600000 gets L1 0x1035.
 */
class ShPageFaultTest {
    static final long L1_OF_DATA = 0x1034;
    static final long PT_VA = 0x600000;
    static final long DATA2 = 0x1011;
    static final long DEV_GFN = 0x2000;
    static final long DEV_VA = 0x700000;

    static HvmDomain dom(ScenarioRunner.Run r) {
        return (HvmDomain) r.domains().get("guest");
    }

    static void invariantsHold(ScenarioRunner.Run r) {
        assertThat(dom(r).checkInvariants()).as(r.trace().render()).isEmpty();
    }

    /** Data at 0x400000, data2 frame for remapping, the data page's L1 mapped at 0x600000 with {@code ptFlags}. */
    static HvmFixture ptGuest(long ptFlags) {
        return svm().frame("data2", DATA2).map(DATA_VA, "data", USER_RW).mapGfn(PT_VA, L1_OF_DATA, ptFlags)
                .mem("data", 0, 0x1111).mem("data2", 0, 0x2222);
    }

    static long mfnOf(HvmDomain d, long gfn) {
        return d.p2m().lookup(gfn).mfn();
    }

    @Test
    @DisplayName("hvm.3 layout: the data page's L1 table is gfn 0x1034")
    void layout() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).run();
        HvmDomain d = dom(r);
        GuestWalk w = GuestWalker.guestWalkTables(d.vcpu(0).walkContext(), d.p2m(), d.machineMemory(), DATA_VA, 0,
                false);
        assertThat(w.entries().get(3).tableGfn()).isEqualTo(L1_OF_DATA);
    }

    @Test
    @DisplayName("hvm.3.F21 first touch: walk OK, shadows built down to l1, guest tables promoted, fixed")
    void fixed() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).run(step(read(DATA_VA)));
        Expect.step(r, 0, OutcomeClass.FIXED, "fixup", "shadow_fixup");
        HvmDomain d = dom(r);
        ShadowL1e s = d.view().shadows().get(0x1000L << 12).get(DATA_VA >>> 12);
        assertThat(s.mfn()).isEqualTo(mfnOf(d, 0x1010));
        assertThat(s.sl1e() & 7).isEqualTo(7);
        assertThat(d.view().pageTables()).containsKeys(mfnOf(d, 0x1000), mfnOf(d, 0x1031), mfnOf(d, 0x1032),
                mfnOf(d, L1_OF_DATA));
        invariantsHold(r);
    }

    @Test
    @DisplayName("hvm.3.F7 a rights fault: ec from the guest walk (P|W|U), CR2 = va, nothing shadowed")
    void rightsFaultInjected() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", P | US | A).run(step(write(DATA_VA, 5)));
        Expect.step(r, 0, OutcomeClass.INJECTED, "vector", "14", "error_code", "P|W|U", "cr2", "0x400000");
        invariantsHold(r);
    }

    @Test
    @DisplayName("hvm.3.3 guest D clear ⇒ shadow read-only; the first write faults and Xen sets D (fixed)")
    void dirtyBitTracking() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", P | RW | US | A).run(step(read(DATA_VA)),
                step(write(DATA_VA, 5)), step(read(DATA_VA)));
        Expect.step(r, 0, OutcomeClass.FIXED, "fixup", "shadow_fixup");
        Expect.step(r, 1, OutcomeClass.FIXED, "fixup", "shadow_fixup");
        Expect.step(r, 2, OutcomeClass.OK, "value", "5");
        HvmDomain d = dom(r);
        GuestWalk w = GuestWalker.guestWalkTables(d.vcpu(0).walkContext(), d.p2m(), d.machineMemory(), DATA_VA, 0,
                false);
        assertThat(w.leaf() & D).isEqualTo(D);
        invariantsHold(r);
    }

    @Test
    @DisplayName("hvm.3.F16 prefetch: a neighbour in the same guest L1 is shadowed too (no fault on first touch)")
    void prefetch() {
        ScenarioRunner.Run r = svm().frame("data2", DATA2).map(DATA_VA, "data", USER_RW)
                .map(DATA_VA + 0x1000, "data2", USER_RW).run(step(read(DATA_VA)), step(read(DATA_VA + 0x1000)));
        Expect.step(r, 1, OutcomeClass.OK);
        assertThat(r.trace().render()).contains("sh_prefetch from=0x401000 entries=1");
    }

    @Test
    @DisplayName("hvm.3.F17/E12 a kernel write to a shadowed L1 is emulated and validated into the shadow")
    void ptWriteEmulated() {
        long newPte = (DATA2 << 12) | USER_RW;
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).cpl(0).run(step(read(DATA_VA)), step(read(PT_VA)),
                step(write(PT_VA, newPte)), step(read(DATA_VA)));
        Expect.step(r, 2, OutcomeClass.EMULATED, "fixup", "pt_write");
        Expect.step(r, 3, OutcomeClass.OK, "value", "0x2222");
        assertThat(r.trace().render()).contains("CALL sh_validate_guest_entry").contains("TRC_SHADOW_EMULATE ");
        invariantsHold(r);
    }

    @Test
    @DisplayName("hvm.3.F12 promotion removes a writable mapping of the guest table found on the walk")
    void writeAccessRemoved() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).cpl(0).run(step(write(PT_VA + 0x10, 0)), step(read(DATA_VA)),
                step(write(PT_VA + 0x10, 0)));
        Expect.step(r, 0, OutcomeClass.FIXED, "fixup", "shadow_fixup");
        Expect.step(r, 1, OutcomeClass.FIXED, "fixup", "shadow_fixup");
        Expect.step(r, 2, OutcomeClass.EMULATED, "fixup", "pt_write");
        assertThat(r.trace().eventsOfStep(1).toString()).contains("sh_remove_write_access")
                .contains("TRC_SHADOW_WRMAP_BF");
        invariantsHold(r);
    }

    @Test
    @DisplayName("hvm.3.E2 a user-mode write to a shadowed L1 unshadows it; the retried write succeeds")
    void userWriteUnshadows() {
        ScenarioRunner.Run r = ptGuest(USER_RW).run(step(read(DATA_VA)), step(write(PT_VA + 0x10, 0x77)));
        Expect.step(r, 1, OutcomeClass.FIXED, "fixup", "unshadow_user");
        HvmDomain d = dom(r);
        assertThat(d.view().pageTables()).doesNotContainKey(mfnOf(d, L1_OF_DATA));
        assertThat(d.machineMemory().readWord((mfnOf(d, L1_OF_DATA) << 12) + 0x10)).isEqualTo(0x77);
        assertThat(r.trace().render()).contains("TRC_SHADOW_EMULATE_UNSHADOW_USER");
        invariantsHold(r);
    }

    @Test
    @DisplayName("hvm.3.E5 a PT write while an event is pending injection unshadows; the event is redelivered")
    void eventPendingUnshadows() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).cpl(0).gate(0x30).run(step(read(DATA_VA)),
                step(write(PT_VA + 0x10, 0), pendingEvent(0x30, "ext_intr", null)));
        Expect.step(r, 1, OutcomeClass.DELIVERED, "vector", "48");
        assertThat(r.trace().render()).contains("TRC_SHADOW_EMULATE_UNSHADOW_EVTINJ");
        invariantsHold(r);
    }

    @Test
    @DisplayName("hvm.3.E8 emulation fails (emulator_fails) ⇒ unshadow, fixed")
    void unhandleableUnshadows() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).cpl(0).run(step(read(DATA_VA)),
                step(write(PT_VA + 0x10, 0), emulatorFails()));
        Expect.step(r, 1, OutcomeClass.FIXED, "fixup", "unshadow_unhandled");
        assertThat(r.trace().render()).contains("TRC_SHADOW_EMULATE_UNSHADOW_UNHANDLED");
        invariantsHold(r);
    }

    @Test
    @DisplayName("hvm.7.11 (XSA-187) the shadow emulator refuses a system-segment (implicit) write to a page table: "
            + "UNHANDLEABLE ⇒ unshadow (4.22); the explicit write is emulated (S9)")
    void implicitWriteIsUnhandleable() {
        long newPte = (DATA2 << 12) | USER_RW;
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).cpl(0).run(step(read(DATA_VA)), step(read(PT_VA)),
                step(access(PT_VA, xpf.model.x86.AccessKind.WRITE, 0, true)), step(read(DATA_VA)));
        Expect.step(r, 2, OutcomeClass.FIXED, "fixup", "unshadow_unhandled");
        assertThat(r.trace().render()).contains("hvm_get_seg_reg seg=system result=UNHANDLEABLE")
                .contains("TRC_SHADOW_EMULATE_UNSHADOW_UNHANDLED").doesNotContain("CALL sh_validate_guest_entry");
        invariantsHold(r);
        ScenarioRunner.Run ok = ptGuest(KERNEL_RW).cpl(0).run(step(read(DATA_VA)), step(read(PT_VA)),
                step(write(PT_VA, newPte)));
        Expect.step(ok, 2, OutcomeClass.EMULATED, "fixup", "pt_write");
    }

    @Test
    @DisplayName("hvm.3.E7 the emulator's own #PF (write crossing into an unmapped page) is injected with its ec/CR2")
    void emulatorFaultInjected() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).cpl(0).run(step(read(DATA_VA)), step(write(PT_VA + 0xffc, 0)));
        Expect.step(r, 1, OutcomeClass.INJECTED, "vector", "14", "error_code", "W", "cr2", "0x601000");
        invariantsHold(r);
    }

    @Test
    @DisplayName("hvm.3.F1 a second PT write to the same frame takes the fast emulation path")
    void fastEmulation() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).cpl(0).run(step(read(DATA_VA)), step(write(PT_VA + 0x10, 0)),
                step(write(PT_VA + 0x18, 0)));
        Expect.step(r, 2, OutcomeClass.EMULATED, "fixup", "pt_write");
        assertThat(r.trace().eventsOfStep(2).toString()).contains("sh_page_fault.fast_emulation");
        assertThat(r.trace().eventsOfStep(1).toString()).doesNotContain("fast_emulation");
    }

    @Test
    @DisplayName("hvm.3.E write of 16 bytes (XSA-477): both entries validated, traced value capped at one PTE")
    void wideWrite() {
        long pte = (DATA2 << 12) | USER_RW;
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).cpl(0).run(step(read(DATA_VA)), step(movdqu(PT_VA, pte)),
                step(read(DATA_VA)));
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "pt_write");
        Expect.step(r, 2, OutcomeClass.OK, "value", "0x2222");
        invariantsHold(r);
    }

    @Test
    @DisplayName("hvm.3.F18 MMIO slow path then F2b' fast path through the magic entry; device state changes")
    void mmio() {
        ScenarioRunner.Run r = svm().mapGfn(DEV_VA, DEV_GFN, USER_RW).device("com1", "uart", DEV_GFN)
                .run(step(new xpf.model.scenario.GuestAccess(DEV_VA, AccessKind.WRITE, 1, 0x41L, null, false, false,
                        xpf.model.scenario.Insn.MOV, null)), step(new xpf.model.scenario.GuestAccess(DEV_VA + 5,
                        AccessKind.READ, 1, null, null, false, false, xpf.model.scenario.Insn.LOAD, null)));
        Expect.step(r, 0, OutcomeClass.EMULATED, "fixup", "mmio");
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "mmio", "value", "0x60");
        assertThat(r.trace().eventsOfStep(0).toString()).contains("TRC_SHADOW_MMIO");
        assertThat(r.trace().eventsOfStep(1).toString()).contains("TRC_SHADOW_FAST_MMIO");
        var dev = dom(r).view().devices().get(0);
        assertThat(dev.registers()).containsEntry(0x100, 0x41L).containsEntry(0x108, 1L);
        invariantsHold(r);
    }

    @Test
    @DisplayName("hvm.3.F2b' quirk: MMIO emulation failure injects #PF still carrying RSVD|P")
    void mmioFailureQuirk() {
        ScenarioRunner.Run r = svm().mapGfn(DEV_VA, DEV_GFN, USER_RW).device("r", "regs", DEV_GFN)
                .run(step(read(DEV_VA)), step(read(DEV_VA), emulatorFails()));
        Expect.step(r, 1, OutcomeClass.INJECTED, "vector", "14", "error_code", "P|U|RSVD", "cr2", "0x700000");
    }

    @Test
    @DisplayName("hvm.3.F9 a guest mapping of a gfn that is not RAM: injected with the hardware ec, P from the walk")
    void badGfn() {
        ScenarioRunner.Run r = svm().mapGfn(0x800000, 0x3000, USER_RW).p2m(0x3000, "invalid")
                .run(step(read(0x800000)));
        Expect.step(r, 0, OutcomeClass.INJECTED, "vector", "14", "error_code", "P|U", "cr2", "0x800000");
        assertThat(r.trace().render()).contains("result=bad_gfn");
    }

    @Test
    @DisplayName("hvm.3.F11 shadow_prealloc fails (shadow_oom) ⇒ domain crash")
    void shadowOomCrashes() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", USER_RW).run(step(read(DATA_VA), shadowOom()));
        Expect.step(r, 0, OutcomeClass.DOMAIN_CRASH, "reason", "shadow_prealloc");
    }

    @Test
    @DisplayName("hvm.3.F19 a write to a ram_ro page is emulated and dropped")
    void readOnlyTypeDiscards() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", USER_RW).mem("data", 0, 0x1111).p2m(0x1010, "ram_ro")
                .run(step(write(DATA_VA, 9)), step(read(DATA_VA)));
        Expect.step(r, 0, OutcomeClass.EMULATED, "fixup", "ro_discard");
        Expect.step(r, 1, OutcomeClass.OK, "value", "0x1111");
        invariantsHold(r);
    }

    @Test
    @DisplayName("hvm.3.F20 CR0.WP=0: a supervisor write through a read-only PTE is emulated (4.22); 3.1 injects")
    void cr0WpZero() {
        HvmFixture f = svm().map(DATA_VA, "data", P | A | D).controls(ControlFlag.NXE).cpl(0);
        ScenarioRunner.Run r = f.run(step(write(DATA_VA, 9)), step(read(DATA_VA)));
        Expect.step(r, 0, OutcomeClass.EMULATED, "fixup", "wp0_write");
        Expect.step(r, 1, OutcomeClass.OK, "value", "9");
        ScenarioRunner.Run old = svm().map(DATA_VA, "data", P | A | D).controls(ControlFlag.NXE).cpl(0)
                .xen(XenProfile.XEN_3_1).run(step(write(DATA_VA, 9)));
        Expect.step(old, 0, OutcomeClass.INJECTED, "vector", "14", "error_code", "W");
    }

    @Test
    @DisplayName("hvm.3.F2c RSVD on an entry that is not magic (another vCPU fixed it) ⇒ fixed, spurious")
    void falseFastPath() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", USER_RW).run(step(read(DATA_VA)));
        HvmDomain d = dom(r);
        ShadowPaging.Result res = d.shadow().shPageFault(d.vcpu(0), DATA_VA, PfErrorCode.RSVD | PfErrorCode.P
                | PfErrorCode.U, read(DATA_VA), false, false, new Trace());
        assertThat(res.rc()).isEqualTo(1);
        assertThat(res.fixup()).isEqualTo("shadow_fast_false");
    }

    @Test
    @DisplayName("hvm.3.3 log-dirty under shadow: reads map read-only, the first write marks the gfn dirty")
    void logDirty() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", USER_RW).p2m(0x1010, "ram_logdirty")
                .run(step(read(DATA_VA)), step(write(DATA_VA, 1)), step(write(DATA_VA, 2)));
        Expect.step(r, 0, OutcomeClass.FIXED);
        Expect.step(r, 1, OutcomeClass.FIXED);
        Expect.step(r, 2, OutcomeClass.OK);
        assertThat(dom(r).view().dirtyGfns()).contains(0x1010L);
        invariantsHold(r);
    }

    @Test
    @DisplayName("hvm.3.3 host_write on a shadowed L1 is validated into the shadow; INVLPG has nothing left to do")
    void hostWriteValidated() {
        long pteGpa = (L1_OF_DATA << 12);
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).run(step(read(DATA_VA)),
                step(new HostWrite(pteGpa, 8, (DATA2 << 12) | USER_RW)), step(read(DATA_VA)),
                step(new Invlpg(DATA_VA)));
        Expect.step(r, 2, OutcomeClass.OK, "value", "0x2222");
        assertThat(r.trace().render()).contains("sh_invlpg va=0x400000 result=in_sync");
        invariantsHold(r);
    }

    @Test
    @DisplayName("hvm.3 CR3 write switches top-level shadows; an NXE change rebuilds them (sh_update_paging_modes)")
    void controlWrites() {
        // pml4b shares the lower tables: the same mappings through a second top-level table.
        ScenarioRunner.Run r = svm().frame("pml4b", 0x1009).map(DATA_VA, "data", USER_RW)
                .pte("pml4b", 0, (0x1031L << 12) | UPPER)
                .run(step(read(DATA_VA)), step(new ControlWrite(0x1009L << 12, java.util.Set.of(),
                        java.util.Set.of(), null, null)), step(read(DATA_VA)),
                        step(new ControlWrite(null, java.util.Set.of(), java.util.Set.of(ControlFlag.NXE), null, null)));
        Expect.step(r, 2, OutcomeClass.FIXED, "fixup", "shadow_fixup");
        assertThat(dom(r).view().shadows()).containsKeys(0x1000L << 12, 0x1009L << 12);
        assertThat(r.trace().eventsOfStep(1).toString()).contains("sh_update_cr3");
        assertThat(r.trace().eventsOfStep(3).toString()).contains("sh_update_paging_modes");
        assertThat(dom(r).view().shadows().values().stream().mapToInt(java.util.Map::size).sum()).isZero();
    }

    @Test
    @DisplayName("hvm.3.4 xen-3.1: gnp fast path — a prefetched not-present neighbour is injected without a walk")
    void gnpFastPath31() {
        ScenarioRunner.Run r = svm().xen(XenProfile.XEN_3_1).map(DATA_VA, "data", USER_RW)
                .run(step(read(DATA_VA)), step(write(DATA_VA + 0x1000, 1)));
        Expect.step(r, 1, OutcomeClass.INJECTED, "vector", "14", "error_code", "W|U", "cr2", "0x401000");
        String first = r.trace().eventsOfStep(1).stream().filter(e -> e.name().startsWith("sh_page_fault")
                || e.name().equals("guest_walk_tables")).findFirst().orElseThrow().toString();
        assertThat(first).contains("guest_not_present");
        ScenarioRunner.Run modern = svm().map(DATA_VA, "data", USER_RW).run(step(read(DATA_VA)),
                step(write(DATA_VA + 0x1000, 1)));
        assertThat(modern.trace().eventsOfStep(1).toString()).contains("guest_walk_tables")
                .doesNotContain("guest_not_present");
    }

    @Test
    @DisplayName("hvm.3 the VMX path runs the same sh_page_fault: pt_write emulated there too")
    void vmxSharesShadowCode() {
        ScenarioRunner.Run r = vmx().frame("data2", DATA2).map(DATA_VA, "data", USER_RW)
                .mapGfn(PT_VA, L1_OF_DATA, KERNEL_RW).cpl(0).run(step(read(DATA_VA)), step(write(PT_VA, 0)));
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "pt_write");
        invariantsHold(r);
    }

    @Test
    @DisplayName("hvm.3.3 invariant checker catches a shadow that grants more than the guest")
    void invariantCheckerWorks() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", P | US | A).run(step(read(DATA_VA)));
        HvmDomain d = dom(r);
        var tables = d.shadow().tables();
        ShadowL1e s = tables.get(0x1000L << 12, DATA_VA >>> 12);
        tables.set(0x1000L << 12, s.withSl1e(s.sl1e() | RW | D));
        List<String> v = d.checkInvariants();
        assertThat(v).anyMatch(x -> x.contains("grants RW"));
    }
}
