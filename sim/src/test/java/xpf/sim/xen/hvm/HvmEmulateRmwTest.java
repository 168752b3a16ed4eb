package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;
import static xpf.sim.xen.hvm.MmioEmulationTest.access;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.Insn;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.AccessKind;
import xpf.sim.scenario.ScenarioRunner;

/**
 * {@code ops->rmw} in HVM emulation (S13, docs/reference-model-hvm.md): Xen 4.11+ gives {@code x86_emulate}
 * {@code hvm_emulate_ops.rmw = hvmemul_rmw}, so OR and XCHG on memory are not read first; {@code hvmemul_rmw} maps
 * the destination ({@code hvmemul_map_linear_addr}: pages in order, write rights, the first discard-write frame ends
 * it with OKAY). CMPXCHG still reads first. 3.1's {@code handle_mmio} has no such hook. Source: xen-project/xen
 * master c447b73, xen/arch/x86/x86_emulate/x86_emulate.c and xen/arch/x86/hvm/emulate.c.
 */
class HvmEmulateRmwTest {

    static final long DATA_GFN = 0x1010;

    /** HAP guest whose data page (va 0x400000) is ram_ro; 0x401000 is not mapped. */
    static ScenarioRunner.Run discardCrossing(Insn insn) {
        return svm().hap().map(DATA_VA, "data", USER_RW).mem("data", 0xff8, 0x5555_6666_7777_8888L)
                .p2m(DATA_GFN, "ram_ro")
                .run(step(access(DATA_VA + 0xffc, AccessKind.WRITE, 8, 0x4cL, insn, null)));
    }

    @Test
    @DisplayName("hvm.5.2.6 4.22: LOCK OR and XCHG crossing from a discard-write frame into an unmapped page: "
            + "hvmemul_rmw stops at the discard-write frame (OKAY, nothing read or written, no #PF)")
    void orAndXchgStopAtTheDiscardWriteFrame() {
        for (Insn insn : new Insn[] {Insn.LOCK_OR, Insn.XCHG}) {
            ScenarioRunner.Run r = discardCrossing(insn);
            Expect.step(r, 0, OutcomeClass.EMULATED, "fixup", "hap_discard_write");
            assertThat(r.trace().render()).as(insn.name())
                    .contains("CALL hvmemul_rmw va=0x400ffc size=8")
                    .contains("CALL hvmemul_map_linear_addr gfn=0x1010 result=write_discarded");
        }
    }

    @Test
    @DisplayName("hvm.5.2.6 4.22: CMPXCHG crossing from a discard-write frame reads its destination first: the "
            + "read of the unmapped page is the emulator's #PF (user read, not present; CR2 = that page)")
    void cmpxchgReadsFirst() {
        ScenarioRunner.Run r = discardCrossing(Insn.CMPXCHG);
        Expect.step(r, 0, OutcomeClass.INJECTED, "vector", "14", "error_code", "U", "cr2", "0x401000");
        assertThat(r.trace().render()).doesNotContain("hvmemul_rmw");
    }

    @Test
    @DisplayName("hvm.5.2.6 a LOCK OR on a device register goes through hvmemul_rmw in 4.22 (mapping NULL: "
            + "linear_read, then linear_write) and is read first in 3.1 (no ops->rmw); the register is read once "
            + "either way")
    void deviceRegisterRmwPerProfile() {
        for (XenProfile p : new XenProfile[] {XenProfile.XEN_4_22, XenProfile.XEN_3_1}) {
            ScenarioRunner.Run r = of(DomainKind.HVM_SVM).xen(p).mapGfn(MmioEmulationTest.MMIO_VA,
                    MmioEmulationTest.MMIO_GFN, USER_RW).device("ctr", "counter", MmioEmulationTest.MMIO_GFN, 0, 5)
                    .run(step(access(MmioEmulationTest.MMIO_VA, AccessKind.WRITE, 8, 0x70L, Insn.LOCK_OR, null)));
            Expect.step(r, 0, OutcomeClass.EMULATED, "fixup", "mmio");
            assertThat(MmioEmulationTest.device(r, "ctr").registers()).as(p.name()).containsEntry(0, 0x75L);
            if (p == XenProfile.XEN_4_22) {
                assertThat(r.trace().render()).contains("CALL hvmemul_rmw va=0x700000 size=8");
            } else {
                assertThat(r.trace().render()).doesNotContain("hvmemul_rmw");
            }
        }
    }
}
