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
import xpf.sim.scenario.ScenarioRunner;

/**
 * Read-modify-write instructions the shadow emulator performs on a page-crossing destination that starts in a shadowed
 * L1 (xen/arch/x86/mm/shadow/hvm.c, 4.22: {@code hvm_emulate_read} reads page by page through {@code hvm_read};
 * {@code hvm_emulate_cmpxchg} over {@code sh_emulate_map_dest}'s two-page mapping compares the whole old value;
 * xen-hvm-fault-path.md §3 E6/E7 and "Emulated write internals").
 */
class ShadowEmulateCrossingTest {

    static GuestAccess kernel(long va, Insn insn, long value) {
        return new GuestAccess(va, AccessKind.WRITE, 8, value, 0, false, false, insn, null);
    }

    @Test
    @DisplayName("hvm.3.E7 a LOCK OR crossing from the shadowed L1 into an unmapped page: the emulator's read of the "
            + "second page faults: its own #PF is injected (CR2 = the second page, not present, supervisor read)")
    void lockOrIntoUnmappedPage() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).cpl(0)
                .run(step(read(DATA_VA)), step(kernel(PT_VA + 0xffc, Insn.LOCK_OR, 1)));
        Expect.step(r, 1, OutcomeClass.INJECTED, "vector", "14", "cr2", "0x601000");
        assertThat(r.trace().eventsOfStep(1).toString()).contains("x86_emulate").contains("EXCEPTION");
        HvmDomain d = dom(r);
        assertThat(d.machineMemory().read((mfnOf(d, L1_OF_DATA) << 12) + 0xffc, 4)).as("nothing written").isZero();
    }

    @Test
    @DisplayName("hvm.7.11 XSA-187: an implicit (system-segment) read-modify-write on a shadowed L1: "
            + "hvm_emulate_cmpxchg fails in hvm_get_seg_reg ⇒ UNHANDLEABLE ⇒ unshadow (E8)")
    void implicitXchgIsUnhandleable() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).cpl(0).run(step(read(DATA_VA)),
                step(new GuestAccess(PT_VA + 0x10, AccessKind.WRITE, 8, 0L, 0, true, false, Insn.XCHG, null)));
        Expect.step(r, 1, OutcomeClass.FIXED, "fixup", "unshadow_unhandled");
        assertThat(r.trace().eventsOfStep(1).toString()).contains("seg=system");
    }
    @Test
    @DisplayName("hvm.3.E12 an 8-byte XCHG crossing from the shadowed L1 into the next page split 6 + 2 bytes: one "
            + "cmpxchg over sh_emulate_map_dest's two-page mapping stores all 8 bytes (any split; the model threw "
            + "IllegalArgumentException for pieces that are not 1, 2, 4 or 8 bytes)")
    void xchgSplitSixTwo() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).map(PT_VA + 0x1000, "data2", KERNEL_RW)
                .mem("data2", 0, 0x7777_7777_7777_AAAAL).cpl(0)
                .run(step(read(DATA_VA)), step(kernel(PT_VA + 0xffa, Insn.XCHG, 0x1122_3344_5566_7788L)));
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "pt_write");
        HvmDomain d = dom(r);
        assertThat(d.machineMemory().readWord((mfnOf(d, L1_OF_DATA) << 12) + 0xff8))
                .as("the low 6 bytes at the end of the L1").isEqualTo(0x3344_5566_7788_0000L);
        assertThat(d.machineMemory().readWord(mfnOf(d, DATA2) << 12))
                .as("the high 2 bytes at the start of the next page").isEqualTo(0x7777_7777_7777_1122L);
    }
}
