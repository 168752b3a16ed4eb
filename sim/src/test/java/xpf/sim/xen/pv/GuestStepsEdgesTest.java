package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static xpf.sim.xen.pv.PvFixture.DATA;
import static xpf.sim.xen.pv.PvFixture.FOREIGN;
import static xpf.sim.xen.pv.PvFixture.GP_HANDLER;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.L3;
import static xpf.sim.xen.pv.PvFixture.NEWDATA;
import static xpf.sim.xen.pv.PvFixture.UP;
import static xpf.sim.xen.pv.PvFixture.e;
import static xpf.sim.xen.pv.PvFixture.hypercall;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.read;
import static xpf.sim.xen.pv.PvFixture.step;
import static xpf.sim.xen.pv.PvFixture.word;
import static xpf.sim.xen.pv.PvFixture.write;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.ControlFlag;
import xpf.model.scenario.ControlWrite;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.HypercallOp;
import xpf.model.scenario.Insn;
import xpf.model.scenario.Invlpg;
import xpf.model.scenario.Outcome;
import xpf.model.scenario.Step;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;
import xpf.sim.domain.ScenarioError;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.trace.TraceEvent;

/**
 * What a PV guest's step does on the machine before Xen comes in (PvGuestSteps, docs/pv-path.md §2): a CR3 write is a
 * privileged instruction that traps to {@code do_general_protection} and is emulated as {@code new_guest_cr3}
 * (xen/arch/x86/pv/emul-priv-op.c, Xen 4.22); a 16-byte MOVDQU translates both pages before it stores; a
 * non-canonical access is #GP (or #SS for a stack access) with error code 0 (SDM Vol. 3A §6.15); a multicall runs its
 * calls in order ({@code do_multicall}, xen/common/multicall.c). Written to kill the mutants PIT found surviving in
 * PvGuestSteps (docs/mutation.md).
 */
class GuestStepsEdgesTest {
    /** A second, empty L4 owned by the guest (an all-empty L4 is a valid base table). */
    static final long L4B = 0x100b;

    static List<Map<String, String>> events(ScenarioRunner.Run r, int step, TraceEvent.Kind kind, String name) {
        return r.trace().eventsOfStep(step).stream().filter(ev -> ev.kind() == kind && ev.name().equals(name))
                .map(ev -> (Map<String, String>) ev.fields()).toList();
    }

    static Step crWrite(Long cr3) {
        return step(new ControlWrite(cr3, Set.of(), Set.of(), null, null));
    }

    static Step wide(long va, AccessKind kind, Long value) {
        return step(new GuestAccess(va, kind, 16, value, null, false, false, Insn.MOVDQU, null));
    }

    // ---- cr_write: mov %cr3 → #GP → pv_emulate_privileged_op → new_guest_cr3 ----

    @Test
    @DisplayName("pv.4.6 guest kernel mov %cr3 to a valid L4: trapped as #GP in ring 3, emulated by new_guest_cr3")
    void kernelCr3WriteIsEmulated() {
        PvFixture f = PvFixture.pv64();
        f.frames.put("l4b", L4B);
        f.pte(L4B, 0, e(L3, UP));
        ScenarioRunner.Run r = f.run(crWrite(L4B << 12), read(0x1000));
        assertThat(outcome(r, 0)).isEmulated("priv_op");
        assertThat(PvFixture.view(r).vcpus().get(0).guestTable()).as("guest_table after the emulated mov %%cr3")
                .isEqualTo(L4B);
        assertThat(PvFixture.view(r).vcpus().get(0).hardwareCr3()).as("hardware CR3").isEqualTo(L4B << 12);
        assertThat(events(r, 0, TraceEvent.Kind.OP, "cr_write")).singleElement()
                .satisfies(m -> assertThat(m).containsEntry("cr3", "0x" + Long.toHexString(L4B << 12)));
        assertThat(events(r, 0, TraceEvent.Kind.HARDWARE, "#GP")).singleElement()
                .satisfies(m -> assertThat(m).containsEntry("cause", "privileged instruction in ring 3"));
        assertThat(events(r, 0, TraceEvent.Kind.CALL, "do_general_protection")).singleElement()
                .satisfies(m -> assertThat(m).containsEntry("error_code", "0"));
        assertThat(events(r, 0, TraceEvent.Kind.CALL, "pv_emulate_privileged_op")).singleElement()
                .satisfies(m -> assertThat(m).containsEntry("insn", "mov %cr3"));
        assertThat(events(r, 0, TraceEvent.Kind.CALL, "new_guest_cr3")).singleElement()
                .satisfies(m -> assertThat(m).containsEntry("mfn", "0x" + Long.toHexString(L4B)));
        // The new L4 maps the same L3: va 0x1000 still reads the data frame.
        assertThat(outcome(r, 1)).isCompleted();
    }

    @Test
    @DisplayName("pv.4.6 guest kernel mov %cr3 to another domain's frame: new_guest_cr3 refuses, #GP(0) to the guest")
    void refusedCr3WriteIsGp() {
        ScenarioRunner.Run r = PvFixture.pv64().run(crWrite(FOREIGN << 12));
        assertThat(outcome(r, 0)).isDelivered(13, 0).hasHandler(GP_HANDLER);
        assertThat(PvFixture.view(r).vcpus().get(0).guestTable()).isEqualTo(PvFixture.L4);
        assertThat(r.trace().render()).contains("Failed to load CR3 (");
    }

    @Test
    @DisplayName("pv.4.6 mov %cr3 in guest user mode is just a privileged instruction: #GP(0), no emulation")
    void userCr3WriteIsGp() {
        ScenarioRunner.Run r = PvFixture.pv64().user().run(crWrite(PvFixture.L4 << 12));
        assertThat(outcome(r, 0)).isDelivered(13, 0).hasHandler(GP_HANDLER);
        assertThat(events(r, 0, TraceEvent.Kind.CALL, "pv_emulate_privileged_op")).isEmpty();
        assertThat(events(r, 0, TraceEvent.Kind.CALL, "new_guest_cr3")).isEmpty();
    }

    @Test
    @DisplayName("pv.1 a 32-bit PV kernel's mov %cr3 traps from ring 1")
    void pv32Cr3WriteTrapsFromRing1() {
        ScenarioRunner.Run r = PvFixture.pv32().run(crWrite(PvFixture.L4 << 12));
        assertThat(outcome(r, 0)).isEmulated("priv_op");
        assertThat(events(r, 0, TraceEvent.Kind.HARDWARE, "#GP")).singleElement()
                .satisfies(m -> assertThat(m).containsEntry("cause", "privileged instruction in ring 1"));
    }

    @Test
    @DisplayName("scenario: a PV cr_write may only carry cr3 (CR0/CR4/EFER/PKRU are Xen's)")
    void pvControlWriteRefusesPagingControls() {
        List<ControlWrite> bad = List.of(
                new ControlWrite(null, Set.of(ControlFlag.NXE), Set.of(), null, null),
                new ControlWrite(null, Set.of(), Set.of(ControlFlag.WP), null, null),
                new ControlWrite(null, Set.of(), Set.of(), PagingMode.PAE, null),
                new ControlWrite(null, Set.of(), Set.of(), null, 4));
        for (ControlWrite w : bad) {
            assertThatThrownBy(() -> PvFixture.pv64().run(step(w))).as("%s", w).isInstanceOf(ScenarioError.class)
                    .hasMessageContaining("only cr3");
        }
        assertThatThrownBy(() -> PvFixture.pv64().run(crWrite(null))).isInstanceOf(ScenarioError.class)
                .hasMessageContaining("needs cr3");
    }

    // ---- 16-byte accesses (MOVDQU) ----

    @Test
    @DisplayName("x86 a 16-byte MOVDQU store inside a page writes the value and zeroes the upper 8 bytes")
    void wideStoreInsideAPage() {
        long pa = (DATA << 12) + 0x10;
        ScenarioRunner.Run r = PvFixture.pv64().run(step(new HostWrite(pa + 8, 8, -1L)),
                wide(0x1010, AccessKind.WRITE, 0x1122334455667788L));
        assertThat(outcome(r, 1)).isCompleted();
        assertThat(word(r, pa)).isEqualTo(0x1122334455667788L);
        assertThat(word(r, pa + 8)).as("the model's high half is 0").isZero();
        assertThat(word(r, pa + 16)).isZero();
    }

    @Test
    @DisplayName("x86 a 16-byte MOVDQU store crossing a page goes to both frames, byte by byte")
    void wideStoreCrossingAPage() {
        // The second page is a frame not adjacent to DATA's, so that bytes written past DATA's frame would show.
        long second = PvFixture.L1B;
        PvFixture f = PvFixture.pv64();
        f.pte(L1, 2, e(second, UP));
        ScenarioRunner.Run r = f.run(step(new HostWrite(second << 12, 8, -1L)),
                step(new HostWrite((second << 12) + 8, 8, -1L)), wide(0x1ffc, AccessKind.WRITE,
                        0x1122334455667788L));
        assertThat(outcome(r, 2)).isCompleted();
        assertThat(word(r, (DATA << 12) + 0xff8) >>> 32).as("bytes 0..3 at the end of the first page")
                .isEqualTo(0x55667788L);
        assertThat(word(r, second << 12)).as("bytes 4..11 at the start of the second page")
                .isEqualTo(0x0000000011223344L);
        assertThat(word(r, (second << 12) + 8)).as("bytes 12..15 are 0, the rest untouched")
                .isEqualTo(0xFFFFFFFF00000000L);
        assertThat(word(r, (DATA + 1) << 12)).as("nothing past the first frame").isZero();
        assertThat(word(r, ((DATA + 1) << 12) + 8)).isZero();
    }

    @Test
    @DisplayName("x86 a MOVDQU store ending on the last byte of a page touches only that page (the next is unmapped)")
    void wideStoreUpToThePageEnd() {
        ScenarioRunner.Run r = PvFixture.pv64().run(wide(0x1ff0, AccessKind.WRITE, 0x1122334455667788L));
        assertThat(outcome(r, 0)).isCompleted();
        assertThat(word(r, (DATA << 12) + 0xff0)).isEqualTo(0x1122334455667788L);
    }

    @Test
    @DisplayName("x86 a MOVDQU store whose second page is not present: #PF at that page, nothing stored in the first")
    void wideStoreSecondPageFaults() {
        ScenarioRunner.Run r = PvFixture.pv64().run(wide(0x1ff8, AccessKind.WRITE, 0x1122334455667788L));
        assertThat(outcome(r, 0)).isDeliveredPageFault(PfErrorCode.W, 0x2000);
        assertThat(word(r, (DATA << 12) + 0xff8)).isZero();
    }

    @Test
    @DisplayName("x86 a MOVDQU store to a not-present first page: #PF at the access address")
    void wideStoreFirstPageFaults() {
        assertThat(PvFixture.pv64().last(wide(0x9010, AccessKind.WRITE, 1L)))
                .isDeliveredPageFault(PfErrorCode.W, 0x9010);
    }

    @Test
    @DisplayName("x86 a MOVDQU store to a read-only page crossing into a writable one: #PF P|W at the first byte")
    void wideStoreReadOnlyFirstPage() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1, 6, e(PvFixture.STACK, UP));
        // va 0x5000 is the CoW page (read-only); 0x6000 the writable stack page
        assertThat(f.last(wide(0x5ff8, AccessKind.WRITE, 1L)))
                .isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, 0x5ff8);
    }

    @Test
    @DisplayName("x86 a MOVDQU read leaves memory alone; an 8-byte read returns the word, a write returns no value")
    void readsReturnTheValue() {
        long pa = (DATA << 12) + 0x10;
        ScenarioRunner.Run r = PvFixture.pv64().run(step(new HostWrite(pa, 8, 0x55L)), read(0x1010),
                write(0x1018, 7), wide(0x1010, AccessKind.READ, null));
        assertThat(((Outcome.Completed) outcome(r, 1)).value()).isEqualTo(0x55L);
        assertThat(((Outcome.Completed) outcome(r, 2)).value()).isNull();
        assertThat(outcome(r, 3)).isCompleted();
        assertThat(word(r, pa)).isEqualTo(0x55L);
        assertThat(word(r, pa + 8)).isEqualTo(7L);
    }

    // ---- access validation and the trace's OP line ----

    @Test
    @DisplayName("scenario: a PV access's cpl must be the vCPU's hardware CPL (3 for a 64-bit PV kernel)")
    void cplMustMatchTheMode() {
        Step cpl0 = step(new GuestAccess(0x1000, AccessKind.READ, 8, null, 0, false, false, Insn.LOAD, null));
        assertThatThrownBy(() -> PvFixture.pv64().run(cpl0)).isInstanceOf(ScenarioError.class)
                .hasMessageContaining("privilege level follows its mode");
        Step cpl3 = step(new GuestAccess(0x1000, AccessKind.READ, 8, null, 3, false, false, Insn.LOAD, null));
        ScenarioRunner.Run r = PvFixture.pv64().run(cpl3);
        assertThat(outcome(r, 0)).isCompleted();
        assertThat(events(r, 0, TraceEvent.Kind.OP, "access")).singleElement()
                .satisfies(m -> assertThat(m).containsEntry("va", "0x1000").containsEntry("kind", "read")
                        .containsEntry("size", "8").containsEntry("cpl", "3").containsEntry("insn", "load"));
    }

    @Test
    @DisplayName("scenario: a PV guest's implicit accesses are refused outside Xen's GDT/LDT area (seed 21 try 244068)")
    void implicitAccessesOnlyInTheGdtLdtArea() {
        // The finding: an implicit 16-byte write at the L4's own slot-258 self-map (Xen's linear page table, RW for
        // ring 0) completed as a supervisor write and put a G bit into L4[0] (reserved on AMD): a later walk faulted
        // with RSVD and Xen panicked. A PV guest cannot make that access (GDTR/LDTR are Xen's area; IDT, TSS Xen's).
        long linearL4 = 0xffff8140a0502000L;
        Step selfMapWrite = step(new GuestAccess(linearL4, AccessKind.WRITE, 16, e(DATA, UP), null, true, false,
                Insn.MOVDQU, null));
        assertThatThrownBy(() -> PvFixture.pv64().run(selfMapWrite)).isInstanceOf(ScenarioError.class)
                .hasMessageContaining("steps[0].implicit").hasMessageContaining("GDT/LDT area");
        assertThatThrownBy(() -> PvFixture.pv64().run(PvFixture.implicitRead(0x1000)))
                .isInstanceOf(ScenarioError.class);
        assertThatThrownBy(() -> PvFixture.pv32().run(PvFixture.implicitRead(0x1000)))
                .isInstanceOf(ScenarioError.class);
        assertThatThrownBy(() -> PvFixture.pv64().run(PvFixture.implicitRead(PvLayout.GDT_LDT_VIRT_START - 8)))
                .isInstanceOf(ScenarioError.class);
        // The area's first and last bytes are allowed (vCPU 0's GDT half; the last vCPU's LDT half).
        assertThat(outcome(PvFixture.pv64().run(PvFixture.implicitRead(PvLayout.GDT_LDT_VIRT_START)), 0))
                .isDelivered(13, 0);
        assertThat(PvFixture.pv64().run(PvFixture.implicitRead(PvLayout.GDT_LDT_VIRT_END - 8)).steps())
                .hasSize(1);
    }

    @Test
    @DisplayName("scenario: a 32-bit PV guest's explicit addresses end at 4 GiB; wider than 8 bytes needs movdqu")
    void pv32AddressesAndWideSizes() {
        assertThatThrownBy(() -> PvFixture.pv32().run(read(1L << 32))).isInstanceOf(ScenarioError.class)
                .hasMessageContaining("32-bit");
        assertThat(PvFixture.pv32().last(read((1L << 32) - 8))).isDeliveredPageFault(0, (1L << 32) - 8);
        Step wideMov = step(new GuestAccess(0x1000, AccessKind.READ, 16, null, null, false, false, Insn.MOV, null));
        assertThatThrownBy(() -> PvFixture.pv64().run(wideMov)).isInstanceOf(ScenarioError.class)
                .hasMessageContaining("movdqu");
    }

    @Test
    @DisplayName("pv.2.1 a guest #PF is recorded as hardware #PF in guest with CR2, error code and source")
    void guestPageFaultHardwareEvent() {
        ScenarioRunner.Run r = PvFixture.pv64().run(read(0x9000));
        assertThat(events(r, 0, TraceEvent.Kind.HARDWARE, "#PF")).singleElement()
                .satisfies(m -> assertThat(m).containsEntry("in", "guest").containsEntry("va", "0x9000")
                        .containsKey("ec").containsKey("source"));
    }

    // ---- non-canonical: #GP(0) / #SS(0) ----

    @Test
    @DisplayName("x86 SDM 6.15 a non-canonical data access is #GP(0), through do_general_protection")
    void nonCanonicalDataAccessIsGp() {
        long va = 0x0000800000000000L;
        ScenarioRunner.Run r = PvFixture.pv64().run(read(va));
        assertThat(outcome(r, 0)).isDelivered(13, 0).hasHandler(GP_HANDLER);
        assertThat(events(r, 0, TraceEvent.Kind.HARDWARE, "#GP")).singleElement()
                .satisfies(m -> assertThat(m).containsEntry("cause", "non-canonical")
                        .containsEntry("va", "0x800000000000"));
        assertThat(events(r, 0, TraceEvent.Kind.CALL, "do_general_protection")).hasSize(1);
        assertThat(events(r, 0, TraceEvent.Kind.CALL, "do_stack_segment")).isEmpty();
    }

    @Test
    @DisplayName("x86 SDM 6.15 a non-canonical stack access is #SS(0), through do_stack_segment")
    void nonCanonicalStackAccessIsSs() {
        long va = 0x0000800000000000L;
        long ssHandler = 0xffffffff81000200L;
        ScenarioRunner.Run r = PvFixture.pv64().trap(12, 0xe033, ssHandler, 0).run(step(new GuestAccess(va,
                AccessKind.READ, 8, null, null, false, true, Insn.LOAD, null)));
        assertThat(outcome(r, 0)).isDelivered(12, 0).hasHandler(ssHandler);
        assertThat(events(r, 0, TraceEvent.Kind.CALL, "do_stack_segment")).singleElement()
                .satisfies(m -> assertThat(m).containsEntry("error_code", "0"));
        assertThat(events(r, 0, TraceEvent.Kind.CALL, "do_general_protection")).isEmpty();
    }

    // ---- hypercalls ----

    @Test
    @DisplayName("pv.4.7 a multicall runs its calls in order and reports how many ran; each is a do_multicall line")
    void multicallCountsItsCalls() {
        HypercallOp a = new HypercallOp.MmuUpdate(List.of(new HypercallOp.MmuUpdate.Request(
                PvFixture.pteAddr(L1, 9), e(NEWDATA, UP))), PvLayout.DOMID_SELF);
        HypercallOp b = new HypercallOp.VmAssist(0, 2);
        ScenarioRunner.Run r = PvFixture.pv64().run(hypercall(new HypercallOp.Multicall(List.of(a, b))),
                read(0x9000));
        assertThat(outcome(r, 0)).returned("multicall", 0).withDone(2);
        assertThat(events(r, 0, TraceEvent.Kind.CALL, "do_multicall")).hasSize(2)
                .satisfies(l -> {
                    assertThat(l.get(0)).containsEntry("call", "0").containsEntry("op", "mmu_update");
                    assertThat(l.get(1)).containsEntry("call", "1").containsEntry("op", "vm_assist");
                });
        assertThat(events(r, 0, TraceEvent.Kind.OP, "hypercall")).singleElement()
                .satisfies(m -> assertThat(m).containsEntry("call", "multicall"));
        assertThat(outcome(r, 1)).isCompleted();
    }

    // ---- invlpg and host writes (PvDomain.step) ----

    @Test
    @DisplayName("pv.4.7 invlpg drops the stale translation: MMUEXT_INVLPG_LOCAL on the vCPU's TLB")
    void invlpgDropsTheStaleTranslation() {
        long l1e1 = PvFixture.pteAddr(L1, 1);
        ScenarioRunner.Run r = PvFixture.pv64().run(step(new HostWrite((NEWDATA << 12), 8, 0x77L)), read(0x1000),
                step(new HostWrite(l1e1, 8, e(NEWDATA, UP))), read(0x1000), step(new Invlpg(0x1000)),
                read(0x1000));
        assertThat(((Outcome.Completed) outcome(r, 3)).value()).as("stale TLB entry still maps DATA").isZero();
        assertThat(outcome(r, 4)).isCompleted();
        assertThat(((Outcome.Completed) outcome(r, 5)).value()).as("after invlpg: NEWDATA").isEqualTo(0x77L);
        assertThat(events(r, 4, TraceEvent.Kind.OP, "invlpg")).singleElement()
                .satisfies(m -> assertThat(m).containsEntry("va", "0x1000"));
        assertThat(events(r, 4, TraceEvent.Kind.CALL, "do_mmuext_op")).singleElement()
                .satisfies(m -> assertThat(m).containsEntry("cmd", "MMUEXT_INVLPG_LOCAL"));
        assertThat(events(r, 2, TraceEvent.Kind.OP, "host_write")).singleElement()
                .satisfies(m -> assertThat(m).containsEntry("pa", "0x" + Long.toHexString(l1e1)));
    }

    @Test
    @DisplayName("pv.5.4 the handler's return sequence stores on its stack before HYPERVISOR_iret: a faulting store "
            + "is that step's outcome, and iret never runs")
    void faultingReturnSequenceStopsTheIret() {
        long l1e6 = PvFixture.pteAddr(L1, 6);
        ScenarioRunner.Run r = PvFixture.pv64().run(read(0x9000),
                step(new HostWrite(l1e6, 8, e(PvFixture.STACK, PvFixture.P | PvFixture.US | PvFixture.A))),
                step(new Invlpg(PvFixture.VA_STACK)), hypercall(new HypercallOp.Iret()));
        assertThat(outcome(r, 0)).isDeliveredPageFault(0, 0x9000);
        assertThat(outcome(r, 3)).as("the read-only stack stops the return sequence")
                .isNotInstanceOf(Outcome.HypercallReturned.class).isNotNull();
        assertThat(events(r, 3, TraceEvent.Kind.CALL, "do_iret")).isEmpty();
    }

    @Test
    @DisplayName("pv.4.7 MMUEXT_INVLPG_ALL drops the page from every vCPU's TLB: flush_tlb_one_mask with the address")
    void invlpgAllIsTraced() {
        long l1e1 = PvFixture.pteAddr(L1, 1);
        ScenarioRunner.Run r = PvFixture.pv64().run(step(new HostWrite((NEWDATA << 12), 8, 0x77L)), read(0x1000),
                step(new HostWrite(l1e1, 8, e(NEWDATA, UP))), PvFixture.mmuext(DoMmuextOp.INVLPG_ALL, 0x1000, 0),
                read(0x1000));
        assertThat(outcome(r, 3)).returned("mmuext_op", 0);
        assertThat(events(r, 3, TraceEvent.Kind.CALL, "flush_tlb_one_mask")).singleElement()
                .satisfies(m -> assertThat(m).containsEntry("va", "0x1000"));
        assertThat(((Outcome.Completed) outcome(r, 4)).value()).isEqualTo(0x77L);
    }

    @Test
    @DisplayName("pv.1 hypercalls come from the guest kernel: one in guest user mode is bad input")
    void userModeHypercallIsRefused() {
        assertThatThrownBy(() -> PvFixture.pv64().user().run(hypercall(new HypercallOp.VmAssist(0, 2))))
                .isInstanceOf(ScenarioError.class).hasMessageContaining("user mode");
    }
}
