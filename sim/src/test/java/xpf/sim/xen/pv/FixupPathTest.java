package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.PvFixture.A;
import static xpf.sim.xen.pv.PvFixture.DATA;
import static xpf.sim.xen.pv.PvFixture.GP_HANDLER;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.L2;
import static xpf.sim.xen.pv.PvFixture.NEWDATA;
import static xpf.sim.xen.pv.PvFixture.P;
import static xpf.sim.xen.pv.PvFixture.RW;
import static xpf.sim.xen.pv.PvFixture.STACK;
import static xpf.sim.xen.pv.PvFixture.UP;
import static xpf.sim.xen.pv.PvFixture.US;
import static xpf.sim.xen.pv.PvFixture.VA_L1;
import static xpf.sim.xen.pv.PvFixture.e;
import static xpf.sim.xen.pv.PvFixture.frame;
import static xpf.sim.xen.pv.PvFixture.implicitRead;
import static xpf.sim.xen.pv.PvFixture.mmuUpdate;
import static xpf.sim.xen.pv.PvFixture.mmuext;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.pteAddr;
import static xpf.sim.xen.pv.PvFixture.read;
import static xpf.sim.xen.pv.PvFixture.step;
import static xpf.sim.xen.pv.PvFixture.word;
import static xpf.sim.xen.pv.PvFixture.write;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.Insn;
import xpf.model.scenario.Knobs;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PfErrorCode;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.xen.mm.PageType;

/** The fixups of fixup_page_fault (§2.3), the GDT/LDT area (§2.4), Xen-context faults (§2.6) and ptwr (§3). */
class FixupPathTest {
    static final long LDT_AREA = PvLayout.GDT_LDT_VIRT_START + 0x10000;

    /** A guest whose LDT is the (read-only mapped) frame NEWDATA at va 0x7000, 16 entries. */
    static PvFixture withLdt() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1, 7, e(NEWDATA, P | US | A));
        return f;
    }

    @Test
    @DisplayName("pv.2.4 LDT lazy mapping: a descriptor load in the LDT half maps the guest's page (fixed)")
    void ldtIsMappedLazily() {
        ScenarioRunner.Run r = withLdt().run(mmuext(DoMmuextOp.SET_LDT, 0x7000, 16), implicitRead(LDT_AREA + 8),
                implicitRead(LDT_AREA + 8));
        assertThat(outcome(r, 1)).isFixed("ldt_mapped");
        assertThat(outcome(r, 2)).isCompleted();
        assertThat(frame(r, NEWDATA)).hasType(PageType.SEG_DESC, 1).hasCount(2);
        assertThat(r.trace().render()).contains("TRC_PV_GDT_LDT_MAPPING_FAULT");
        // Changing the LDT drops the shadow mapping and its references.
        ScenarioRunner.Run r2 = withLdt().run(mmuext(DoMmuextOp.SET_LDT, 0x7000, 16), implicitRead(LDT_AREA + 8),
                mmuext(DoMmuextOp.SET_LDT, 0, 0));
        assertThat(frame(r2, NEWDATA)).hasNoTypeInUse().hasCount(1);
    }

    @Test
    @DisplayName("pv.2.4 LDT page that fails validation (mapped writable): #PF at ldt_base+offset")
    void ldtMappingFailureGivesPageFaultAtLdtAddress() {
        ScenarioRunner.Run r = PvFixture.pv64().run(mmuext(DoMmuextOp.SET_LDT, 0x1000, 16),
                implicitRead(LDT_AREA + 0x18));
        assertThat(outcome(r, 1)).isDeliveredPageFault(0, 0x1018);
    }

    @Test
    @DisplayName("pv.2.4 an LDT page holding a system descriptor other than a call gate is refused")
    void invalidDescriptorIsRefused() {
        PvFixture f = withLdt();
        ScenarioRunner.Run r = f.run(step(new HostWrite((NEWDATA << 12) + 8, 8, 0x00008900_00000000L)),
                mmuext(DoMmuextOp.SET_LDT, 0x7000, 16), implicitRead(LDT_AREA + 8));
        assertThat(outcome(r, 2)).isDeliveredPageFault(0, 0x7008);
        assertThat(frame(r, NEWDATA)).hasNoTypeInUse();
    }

    @Test
    @DisplayName("pv.2.4 a fault in the GDT half becomes #GP(selector) for the guest's #GP handler")
    void gdtHalfBecomesGeneralProtection() {
        ScenarioRunner.Run r = PvFixture.pv64().run(implicitRead(PvLayout.GDT_LDT_VIRT_START + 0x2b));
        assertThat(outcome(r, 0)).isDelivered(13, 0x28).hasHandler(GP_HANDLER);
    }

    @Test
    @DisplayName("pv.2.3c a 64-bit kernel's direct (U=1) touch of the GDT/LDT area is forwarded (4.22); 3.1 mapped")
    void directTouchOfLdtAreaIsForwardedOn422() {
        ScenarioRunner.Run r = withLdt().run(mmuext(DoMmuextOp.SET_LDT, 0x7000, 16), read(LDT_AREA + 8));
        assertThat(outcome(r, 1)).isDeliveredPageFault(0, LDT_AREA + 8);
        ScenarioRunner.Run old = withLdt().profile(XenProfile.XEN_3_1).run(mmuext(DoMmuextOp.SET_LDT, 0x7000, 16),
                read(LDT_AREA + 8), read(LDT_AREA + 8));
        assertThat(outcome(old, 1)).isFixed("ldt_mapped");
        assertThat(outcome(old, 2)).isFixed("ldt_mapped"); // supervisor-only mapping: the guest faults forever
    }

    @Test
    @DisplayName("pv.2.3c a guest touch of Xen's range outside the GDT/LDT area is forwarded")
    void xenRangeIsForwarded() {
        assertThat(PvFixture.pv64().last(read(PvLayout.LINEAR_PT_VIRT_START)))
                .isDeliveredPageFault(PfErrorCode.P, PvLayout.LINEAR_PT_VIRT_START);
    }

    @Test
    @DisplayName("pv.2.6 a spurious Xen fault (stale read-only TLB entry on the guest stack) is retried silently")
    void spuriousXenFaultIsRetried() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1, 6, e(STACK, P | US | A));
        ScenarioRunner.Run r = f.run(read(0x6000), step(new HostWrite(pteAddr(L1, 6), 8, e(STACK, UP))),
                read(0x9000));
        assertThat(outcome(r, 2)).isDeliveredPageFault(0, 0x9000);
        assertThat(r.trace().render()).contains("spurious_page_fault result=spurious_fault");
    }

    @Test
    @DisplayName("pv.2.3e log-dirty: the first write to a clean page is fixed by paging_fault; the next completes")
    void logDirtyFirstWriteIsFixed() {
        ScenarioRunner.Run r = PvFixture.pv64().param("log_dirty", 1).run(write(0x1000, 5), write(0x1000, 6));
        assertThat(outcome(r, 0)).isFixed("paging");
        assertThat(outcome(r, 1)).isCompleted();
        assertThat(PvFixture.view(r).dirtyFrames()).contains(DATA);
        assertThat(r.trace().render()).contains("TRC_PV_PAGING_FIXUP");
        // Xen's own writes (the bounce frame) are fixed the same way, inside Xen.
        assertThat(PvFixture.pv64().param("log_dirty", 1).last(read(0x9000))).isDeliveredPageFault(0, 0x9000);
    }

    @Test
    @DisplayName("pv.3.6 hardware domain: a write to read-only MMIO is emulated (mmio_ro); RW was flipped off")
    void readOnlyMmioIsEmulatedForTheHardwareDomain() {
        PvFixture f = PvFixture.pv64().param("mmio_ro_mfn", 0xfee00);
        f.hardwareDomain = true;
        f.pte(L1, 8, e(0xfee00, UP));
        ScenarioRunner.Run r = f.run(write(0x8000, 1));
        assertThat(word(r, pteAddr(L1, 8)) & RW).isZero();
        assertThat(outcome(r, 0)).isEmulated("mmio_ro");
    }

    @Test
    @DisplayName("pv.2.3d read-only MMIO emulation is for the hardware domain only: a domU's write is forwarded")
    void readOnlyMmioIsNotEmulatedForDomU() {
        PvFixture f = PvFixture.pv64().param("mmio_ro_mfn", 0xfee00);
        f.pte(L1, 8, e(0xfee00, UP));
        ScenarioRunner.Run r = f.run(write(0x8000, 1), mmuUpdate(pteAddr(L1, 9), e(1L << 28, UP)));
        assertThat(outcome(r, 0)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, 0x8000);
        // Not RAM (beyond MAXPHYADDR 40) is I/O memory outside the iomem permissions: -EPERM.
        assertThat(outcome(r, 1)).returned("mmu_update", -xpf.model.scenario.Errno.EPERM);
    }

    @Test
    @DisplayName("pv.3.5 emulator UNHANDLEABLE (knob emulator_fails): the original #PF is forwarded")
    void emulatorFailureForwardsTheFault() {
        Knobs fails = new Knobs(true, null, false, false);
        assertThat(PvFixture.pv64().last(step(GuestAccess.write(VA_L1 + 16, e(NEWDATA, UP)), fails)))
                .isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, VA_L1 + 16);
    }

    @Test
    @DisplayName("pv.3.2 a misaligned PTE write (XSA-227 class) is not emulated: forwarded")
    void misalignedPteWriteIsForwarded() {
        assertThat(PvFixture.pv64().last(write(VA_L1 + 0x14, 8, e(NEWDATA, UP), Insn.MOV)))
                .isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, VA_L1 + 0x14);
    }

    @Test
    @DisplayName("pv.3.2 a 16-byte store is not emulated: forwarded")
    void wideStoreIsForwarded() {
        assertThat(PvFixture.pv64().last(write(VA_L1 + 0x10, 16, e(NEWDATA, UP), Insn.MOVDQU)))
                .isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, VA_L1 + 0x10);
    }

    @Test
    @DisplayName("pv.3.2 a 4-byte store is spliced into the full PTE before validation")
    void subWordWriteIsSpliced() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1, 2, e(DATA, P | US | A));
        ScenarioRunner.Run r = f.run(write(VA_L1 + 16, 4, e(NEWDATA, P | US | A), Insn.MOV));
        assertThat(outcome(r, 0)).isEmulated("ptwr");
        assertThat(Pte.mfn(word(r, pteAddr(L1, 2)))).isEqualTo(NEWDATA);
        assertThat(frame(r, DATA)).hasCount(1); // the old entry's reference is gone (one left from L1[1])
    }

    @Test
    @DisplayName("pv.3.4 CMPXCHG: a failed compare changes nothing; a matching one updates the PTE")
    void cmpxchgOnAPte() {
        GuestAccess miss = new GuestAccess(VA_L1 + 16, AccessKind.WRITE, 8, e(NEWDATA, UP), null, false, false,
                Insn.CMPXCHG, 0x1234L);
        ScenarioRunner.Run r = PvFixture.pv64().run(step(miss));
        assertThat(outcome(r, 0)).isEmulated("ptwr");
        assertThat(word(r, pteAddr(L1, 2))).isZero();
        assertThat(frame(r, NEWDATA)).hasCount(0).hasNoTypeInUse();
        GuestAccess hit = new GuestAccess(VA_L1 + 16, AccessKind.WRITE, 8, e(NEWDATA, UP), null, false, false,
                Insn.CMPXCHG, 0L);
        ScenarioRunner.Run r2 = PvFixture.pv64().run(step(hit));
        assertThat(Pte.mfn(word(r2, pteAddr(L1, 2)))).isEqualTo(NEWDATA);
        assertThat(frame(r2, NEWDATA)).hasCount(1);
    }

    @Test
    @DisplayName("pv.3.2 CMPXCHG compares before ops->cmpxchg: a failed compare completes even when the new PTE would "
            + "be refused; a matching one is validated and refused (regression)")
    void cmpxchgComparesBeforeValidating() {
        // The new entry maps the guest's own L2 writable: get_page_from_l1e refuses it.
        GuestAccess miss = new GuestAccess(VA_L1 + 16, AccessKind.WRITE, 8, e(L2, UP), null, false, false,
                Insn.CMPXCHG, 0x1234L);
        ScenarioRunner.Run r = PvFixture.pv64().run(step(miss));
        assertThat(outcome(r, 0)).isEmulated("ptwr");
        assertThat(r.trace().render()).doesNotContain("ptwr_emulated_update");
        assertThat(word(r, pteAddr(L1, 2))).isZero();
        GuestAccess hit = new GuestAccess(VA_L1 + 16, AccessKind.WRITE, 8, e(L2, UP), null, false, false,
                Insn.CMPXCHG, 0L);
        ScenarioRunner.Run r2 = PvFixture.pv64().run(step(hit));
        assertThat(outcome(r2, 0)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, VA_L1 + 16);
        assertThat(r2.trace().render()).contains("get_page_from_l1e");
        assertThat(word(r2, pteAddr(L1, 2))).isZero();
    }

    @Test
    @DisplayName("pv.3.5 the emulator's own #PF (XCHG reads across into an unmapped page) is injected instead")
    void emulatorPageFaultIsInjected() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1, 10, e(L1, P | US | A)); // the L1 again at 0xa000; 0xb000 is unmapped
        GuestAccess xchg = new GuestAccess(0xaffc, AccessKind.WRITE, 8, e(NEWDATA, UP), null, false, false,
                Insn.XCHG, null);
        ScenarioRunner.Run r = f.run(step(xchg));
        assertThat(outcome(r, 0)).isDeliveredPageFault(0, 0xb000);
        assertThat(r.trace().render()).contains("x86_emulate result=EXCEPTION");
    }

    @Test
    @DisplayName("pv.2.3d a user-mode write to a read-only L1 is never emulated: forwarded with U")
    void userWriteToPageTableIsForwarded() {
        assertThat(PvFixture.pv64().user().last(write(VA_L1 + 16, e(NEWDATA, UP))))
                .isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W | PfErrorCode.U, VA_L1 + 16);
    }

    @Test
    @DisplayName("pv.2.3d ptwr in a 32-bit (ring-1) kernel: emulated; TRC_PV_PTWR_EMULATION_PAE")
    void ptwrForThirtyTwoBitGuest() {
        ScenarioRunner.Run r = PvFixture.pv32().run(write(VA_L1 + 16, e(NEWDATA, UP)));
        assertThat(outcome(r, 0)).isEmulated("ptwr");
        assertThat(r.trace().render()).contains("TRC_PV_PTWR_EMULATION_PAE id=0x0020100c");
    }

    @Test
    @DisplayName("pv.2.2 a non-canonical guest access is #GP(0) for the guest's #GP handler")
    void nonCanonicalAccessIsGeneralProtection() {
        assertThat(PvFixture.pv64().last(read(0x8000_0000_0000_0000L))).isDelivered(13, 0).hasHandler(GP_HANDLER);
    }

    @Test
    @DisplayName("pv.5.4 iret from the #PF handler returns to the faulting context; to user mode via user L4")
    void iretReturnsToTheInterruptedContext() {
        ScenarioRunner.Run r = PvFixture.pv64().user().run(read(0x9000),
                PvFixture.hypercall(new xpf.model.scenario.HypercallOp.Iret()));
        assertThat(outcome(r, 1)).returned("iret", 0);
        PvDomainView.Vcpu v = PvFixture.view(r).vcpus().get(0);
        assertThat(v.kernelMode()).isFalse();
        assertThat(v.rip()).isEqualTo(PvFixture.RIP);
        assertThat(v.rsp()).isEqualTo(0x6800);
        assertThat(v.cs()).isEqualTo(0xe033);
        assertThat(v.upcallMask()).isZero();
    }
}
