package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.FaultDecisionPointsTest.calls;
import static xpf.sim.xen.pv.FaultDecisionPointsTest.fixupRow;
import static xpf.sim.xen.pv.PvFixture.A;
import static xpf.sim.xen.pv.PvFixture.DATA;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.P;
import static xpf.sim.xen.pv.PvFixture.UP;
import static xpf.sim.xen.pv.PvFixture.US;
import static xpf.sim.xen.pv.PvFixture.e;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.pteAddr;
import static xpf.sim.xen.pv.PvFixture.step;
import static xpf.sim.xen.pv.PvFixture.write;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.Insn;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PfErrorCode;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.trace.Trace;
import xpf.sim.xen.emul.EmulResult;

/**
 * Read-only MMIO of the hardware domain (xen-pv-fault-path.md §2.3 row d, §3.6; {@code fixup_page_fault} and
 * {@code mmio_ro_do_page_fault}, xen/arch/x86/traps.c and pv/ro-page-fault.c, 4.22): the error code qualifies a fault
 * for {@code mmio_ro} only when it is a present (P), non-reserved, non-fetch write by the guest kernel; the emulator
 * accepts only naturally aligned writes exactly at CR2, to a frame that is I/O memory (owned by {@code dom_io}) or no
 * RAM at all. Frame 0xfee00 is in the domain's {@code mmio_ro} ranges; L1[8] maps it at va 0x8000 (Xen flips RW off
 * when it validates the entry). The writable-pagetables assist is off in most cases, so that only the mmio_ro half of
 * row d can pick the fault up.
 */
class MmioRoDecisionPointsTest {
    static final long MMIO = 0xfee00;
    static final long VA = 0x8000;

    /** The hardware domain with frame MMIO read-only mapped at VA; {@code ptwr}: keep the writable-pagetables assist. */
    static PvFixture hwdom(boolean ptwr) {
        PvFixture f = PvFixture.pv64().param("mmio_ro_mfn", MMIO);
        f.hardwareDomain = true;
        if (!ptwr) {
            f.assists.clear();
        }
        f.pte(L1, 8, e(MMIO, UP));
        return f;
    }

    static ScenarioRunner.Run run(PvFixture f, long va, int size) {
        return f.run(write(va, size, 0x1234, Insn.MOV));
    }

    @Test
    @DisplayName("pv.2.3d mmio_ro alone (no writable-pagetables assist) picks up a hardware domain's present write")
    void mmioRoQualifiesWithoutThePtwrAssist() {
        ScenarioRunner.Run r = run(hwdom(false), VA, 8);
        assertThat(outcome(r, 0)).isEmulated("mmio_ro");
        assertThat(fixupRow(r, 0)).containsEntry("row", "d").containsEntry("result", "mmio_ro");
        assertThat(calls(r, 0, "subpage_mmio_write_emulate")).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("mfn", "0xfee00").containsEntry("offset", "0x0"));
        // A domU with the same frame mapped: no mmio_ro, no ptwr: row f, the write is forwarded.
        PvFixture domU = hwdom(false);
        domU.hardwareDomain = false;
        ScenarioRunner.Run u = run(domU, VA, 8);
        assertThat(outcome(u, 0)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, VA);
        assertThat(calls(u, 0, "pv_ro_page_fault")).isEmpty();
        assertThat(fixupRow(u, 0)).containsEntry("row", "f");
    }

    @Test
    @DisplayName("pv.2.3d a read fault on a hardware domain's MMIO page is not offered to the MMIO emulator")
    void readFaultIsNotMmioRo() {
        // L1[8] rewritten behind Xen's back without USER: the kernel (ring 3) read faults P|U, W clear.
        PvFixture f = hwdom(false);
        ScenarioRunner.Run r = f.run(step(new HostWrite(pteAddr(L1, 8), 8, e(MMIO, P | A))),
                step(GuestAccess.read(VA)));
        assertThat(outcome(r, 1)).isDeliveredPageFault(PfErrorCode.P, VA);
        assertThat(calls(r, 1, "pv_ro_page_fault")).as("row d must not call pv_ro_page_fault for a read").isEmpty();
        assertThat(fixupRow(r, 1)).containsEntry("row", "f");
    }

    @Test
    @DisplayName("pv.2.3d an instruction fetch from a hardware domain's MMIO page (I=1) is not offered to mmio_ro")
    void fetchFaultIsNotMmioRo() {
        PvFixture f = hwdom(false);
        ScenarioRunner.Run r = f.run(step(new HostWrite(pteAddr(L1, 8), 8, e(MMIO, P | A))),
                step(new GuestAccess(VA, AccessKind.FETCH, 1, null, null, false, false, null, null)));
        assertThat(outcome(r, 1)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.I, VA);
        assertThat(calls(r, 1, "pv_ro_page_fault")).as("row d must not call pv_ro_page_fault for a fetch").isEmpty();
    }

    @Test
    @DisplayName("pv.2.3d a not-present write (P=0) is not offered to mmio_ro; a present one is")
    void notPresentWriteIsNotMmioRo() {
        PvFixture f = hwdom(false);
        ScenarioRunner.Run r = f.run(step(new HostWrite(pteAddr(L1, 8), 8, 0)), write(VA, 8, 5, Insn.MOV));
        assertThat(outcome(r, 1)).isDeliveredPageFault(PfErrorCode.W, VA);
        assertThat(calls(r, 1, "pv_ro_page_fault")).as("P=0: no mmio_ro").isEmpty();
        assertThat(fixupRow(r, 1)).containsEntry("row", "f");
    }

    @Test
    @DisplayName("pv.2.3d a reserved-bit write fault (RSVD) is not offered to mmio_ro: 4.22 panics on it")
    void reservedBitWriteIsNotMmioRo() {
        PvFixture f = hwdom(false);
        // Bit 45 of the PTE is reserved with MAXPHYADDR 40: the write faults P|W|U|RSVD.
        ScenarioRunner.Run r = f.run(step(new HostWrite(pteAddr(L1, 8), 8, e(MMIO, P | US | A) | (1L << 45))),
                write(VA, 8, 5, Insn.MOV));
        assertThat(outcome(r, 1)).isPanic("rsvd_page_fault");
        assertThat(calls(r, 1, "pv_ro_page_fault")).as("RSVD: no mmio_ro").isEmpty();
    }

    @Test
    @DisplayName("pv.3.6 a misaligned 4-byte write to read-only MMIO is refused: the guest gets its #PF")
    void misalignedMmioWriteIsForwarded() {
        ScenarioRunner.Run r = run(hwdom(false), VA + 2, 4);
        assertThat(outcome(r, 0)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, VA + 2);
        assertThat(calls(r, 0, "mmio_ro_do_page_fault")).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("result", "UNHANDLEABLE"));
        assertThat(calls(r, 0, "subpage_mmio_write_emulate")).isEmpty();
    }

    @Test
    @DisplayName("pv.3.6 naturally aligned 2- and 1-byte writes inside the page go to the sub-page emulator")
    void alignedSubWordMmioWritesAreEmulated() {
        ScenarioRunner.Run two = run(hwdom(false), VA + 6, 2);
        assertThat(outcome(two, 0)).isEmulated("mmio_ro");
        assertThat(calls(two, 0, "subpage_mmio_write_emulate")).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("offset", "0x6"));
        ScenarioRunner.Run one = run(hwdom(false), VA + 0x7ff, 1);
        assertThat(outcome(one, 0)).isEmulated("mmio_ro");
        assertThat(calls(one, 0, "subpage_mmio_write_emulate")).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("offset", "0x7ff"));
        // 2 bytes at an odd address: not naturally aligned.
        ScenarioRunner.Run odd = run(hwdom(false), VA + 5, 2);
        assertThat(outcome(odd, 0)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, VA + 5);
    }

    @Test
    @DisplayName("pv.3.6 a compare-exchange on read-only MMIO is not emulated (only plain writes are): #PF forwarded")
    void cmpxchgOnMmioIsForwarded() {
        GuestAccess cx = new GuestAccess(VA, AccessKind.WRITE, 8, 1L, null, false, false, Insn.CMPXCHG, 0L);
        ScenarioRunner.Run r = hwdom(false).run(step(cx));
        assertThat(outcome(r, 0)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, VA);
    }

    // ---- mmio_ro_do_page_fault called directly: what CR2 and which frame ----

    static PvDomain domain() {
        PvDomain d = FatalOutcomesTest.guest(hwdom(false).run());
        d.useTrace(new Trace());
        return d;
    }

    static EmulResult mmioRo(PvDomain d, long cr2, long pte, GuestAccess insn) {
        d.setCurrentAccess(insn);
        try {
            return d.ro().mmioRoDoPageFault(d.vcpu(0), cr2, pte).rc();
        } finally {
            d.setCurrentAccess(null);
        }
    }

    @Test
    @DisplayName("pv.3.6 the emulated write must be exactly at CR2: an aligned write elsewhere in the page is refused")
    void writeMustBeAtCr2() {
        PvDomain d = domain();
        GuestAccess at8 = new GuestAccess(VA + 8, AccessKind.WRITE, 8, 1L, null, false, false, Insn.MOV, null);
        assertThat(mmioRo(d, VA + 8, e(MMIO, P | US | A), at8)).isEqualTo(EmulResult.OKAY);
        assertThat(mmioRo(d, VA, e(MMIO, P | US | A), at8)).isEqualTo(EmulResult.UNHANDLEABLE);
    }

    @Test
    @DisplayName("pv.3.6 the frame must be I/O memory or no RAM at all: a RAM frame of the domain is refused")
    void frameMustBeIoMemory() {
        PvDomain d = domain();
        GuestAccess w = new GuestAccess(VA, AccessKind.WRITE, 8, 1L, null, false, false, Insn.MOV, null);
        assertThat(mmioRo(d, VA, e(DATA, P | US | A), w)).isEqualTo(EmulResult.UNHANDLEABLE);
        assertThat(d.trace().render()).contains("mmio_ro_do_page_fault result=UNHANDLEABLE why=not I/O memory");
        // A frame number beyond RAM (mfn_valid false) is MMIO by definition: accepted.
        long beyondRam = d.machine().frameLimit() + 5;
        assertThat(mmioRo(d, VA, e(beyondRam, P | US | A), w)).isEqualTo(EmulResult.OKAY);
    }

    @Test
    @DisplayName("pv.3.6 the sub-page emulator traces the frame and the offset within the page of the dropped write")
    void emulatedWriteIsTraced() {
        PvDomain d = domain();
        GuestAccess w = new GuestAccess(VA + 0x10, AccessKind.WRITE, 4, 1L, null, false, false, Insn.MOV, null);
        assertThat(mmioRo(d, VA + 0x10, e(MMIO, P | US | A), w)).isEqualTo(EmulResult.OKAY);
        assertThat(d.trace().render()).contains("subpage_mmio_write_emulate mfn=0xfee00 offset=0x10 result=dropped");
    }
}
