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
 * The shadow code's emulator callbacks (mm/shadow/hvm.c: {@code hvm_emulate_read}, {@code hvm_emulate_write},
 * {@code hvm_emulate_cmpxchg} over {@code sh_emulate_map_dest} / {@code sh_emulate_unmap_dest}) and the fast-emulation
 * bookkeeping around them (xen-hvm-fault-path.md §3 F1, E6-E9, "Emulated write internals"). The guest layout is
 * {@link ShPageFaultTest}'s: the data page's L1 (gfn 0x1034) is mapped writable at 0x600000.
 */
class ShadowEmulateOpsTest {

    static GuestAccess kernel(long va, Insn insn, long value) {
        return new GuestAccess(va, AccessKind.WRITE, 8, value, 0, false, false, insn, null);
    }

    static long l1Word(ScenarioRunner.Run r, int index) {
        HvmDomain d = dom(r);
        return d.machineMemory().readWord((mfnOf(d, L1_OF_DATA) << 12) + 8L * index);
    }

    @Test
    @DisplayName("hvm.3.F1 the fast path takes only ec == W|P exactly: a user write (W|P|U) to the remembered frame "
            + "clears the flag and takes the slow path, which unshadows (E2)")
    void fastPathOnlyForExactlyWP() {
        ScenarioRunner.Run r = ptGuest(USER_RW).run(step(read(DATA_VA)), step(kernel(PT_VA + 0x10, Insn.MOV, 0)),
                step(write(PT_VA + 0x18, 0x77)));
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "pt_write");
        Expect.step(r, 2, OutcomeClass.FIXED, "fixup", "unshadow_user");
        assertThat(r.trace().eventsOfStep(2).toString()).doesNotContain("fast_emulation")
                .contains("guest_walk_tables");
        assertThat(dom(r).shadow().fastEmulationState(0)).containsEntry("last_write_emul_ok", 0L);
        assertThat(l1Word(r, 3)).as("the retried user write lands").isEqualTo(0x77);
    }

    @Test
    @DisplayName("hvm.3.E9 an emulated PT write remembers the frame and mfn for F1 (last_emulated_frame/mfn)")
    void fastEmulationStateRemembered() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).cpl(0).run(step(read(DATA_VA)), step(write(PT_VA + 0x10, 0)));
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "pt_write");
        HvmDomain d = dom(r);
        assertThat(d.shadow().fastEmulationState(0)).containsEntry("last_write_emul_ok", 1L)
                .containsEntry("last_emulated_frame", PT_VA >>> 12)
                .containsEntry("last_emulated_mfn", mfnOf(d, L1_OF_DATA));
        assertThat(d.shadow().fastEmulationState(1)).as("another vCPU has its own state")
                .containsEntry("last_write_emul_ok", 0L).containsEntry("last_emulated_frame", 0L);
    }

    @Test
    @DisplayName("hvm.3.E9 a write dropped on a ram_ro page (F19) is no PT write: nothing is remembered, the next "
            + "write to it walks again")
    void readOnlyTypeIsNotRemembered() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", USER_RW).mem("data", 0, 0x1111).p2m(0x1010, "ram_ro")
                .cpl(0).run(step(write(DATA_VA, 9)), step(write(DATA_VA + 8, 9)));
        Expect.step(r, 0, OutcomeClass.EMULATED, "fixup", "ro_discard");
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "ro_discard");
        assertThat(dom(r).shadow().fastEmulationState(0)).containsEntry("last_write_emul_ok", 0L);
        assertThat(r.trace().eventsOfStep(1).toString()).doesNotContain("fast_emulation");
    }

    @Test
    @DisplayName("hvm.3 emulated LOCK OR on a guest PTE: read, then cmpxchg with the value read; the new PTE is "
            + "validated into the shadow (NX now set: a fetch faults P|I|U)")
    void lockOrOnPte() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).cpl(0).run(step(read(DATA_VA)),
                step(kernel(PT_VA, Insn.LOCK_OR, NX)),
                step(new GuestAccess(DATA_VA, AccessKind.FETCH, 1, null, 3, false, false, Insn.LOAD, null)));
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "pt_write");
        assertThat(l1Word(r, 0)).isEqualTo((0x1010L << 12) | USER_RW | NX);
        Expect.step(r, 2, OutcomeClass.INJECTED, "vector", "14", "error_code", "P|U|I", "cr2", "0x400000");
        invariantsHold(r);
    }

    @Test
    @DisplayName("hvm.3 emulated XCHG on a guest PTE swaps in the new entry (cmpxchg sees the value it read)")
    void xchgOnPte() {
        long pte = (DATA2 << 12) | USER_RW;
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).cpl(0).run(step(read(DATA_VA)), step(kernel(PT_VA, Insn.XCHG, pte)),
                step(read(DATA_VA)));
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "pt_write");
        Expect.step(r, 2, OutcomeClass.OK, "value", "0x2222");
        assertThat(l1Word(r, 0)).isEqualTo(pte);
    }

    @Test
    @DisplayName("hvm.3.F19 XCHG on a ram_ro page: sh_emulate_map_dest discards the write and the cmpxchg reports "
            + "success (no RETRY loop); memory unchanged")
    void xchgOnReadOnlyType() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", USER_RW).mem("data", 0, 0x1111).p2m(0x1010, "ram_ro")
                .run(step(new GuestAccess(DATA_VA, AccessKind.WRITE, 8, 5L, null, false, false, Insn.XCHG, null)),
                        step(read(DATA_VA)));
        Expect.step(r, 0, OutcomeClass.EMULATED, "fixup", "ro_discard");
        assertThat(r.trace().eventsOfStep(0).toString()).contains("write_discarded");
        Expect.step(r, 1, OutcomeClass.OK, "value", "0x1111");
    }

    @Test
    @DisplayName("hvm.3 a misaligned PT write (8 bytes at offset 4) unshadows the table; the write itself is done")
    void misalignedWriteUnshadows() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).cpl(0).run(step(read(DATA_VA)),
                step(kernel(PT_VA + 4, Insn.MOV, 0x0000_0001_0000_0000L)));
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "pt_write");
        HvmDomain d = dom(r);
        assertThat(r.trace().eventsOfStep(1).toString()).contains("misaligned_write");
        assertThat(d.view().pageTables()).doesNotContainKey(mfnOf(d, L1_OF_DATA));
        assertThat(d.view().shadows().get(0x1000L << 12)).doesNotContainKey(DATA_VA >>> 12);
        assertThat(l1Word(r, 0)).isEqualTo((0x1010L << 12) | USER_RW);
        assertThat(l1Word(r, 1) & 0xFFFF_FFFFL).isEqualTo(1);
        assertThat(d.shadow().fastEmulationState(0)).as("no longer a page table: not remembered")
                .containsEntry("last_write_emul_ok", 0L);
        invariantsHold(r);
    }

    @Test
    @DisplayName("hvm.3 an aligned PT write keeps the table shadowed and revalidates the entry")
    void alignedWriteKeepsShadow() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).cpl(0).run(step(read(DATA_VA)),
                step(kernel(PT_VA, Insn.MOV, (DATA2 << 12) | USER_RW)));
        HvmDomain d = dom(r);
        assertThat(r.trace().eventsOfStep(1).toString()).doesNotContain("misaligned_write");
        assertThat(d.view().pageTables()).containsKey(mfnOf(d, L1_OF_DATA));
        assertThat(d.view().shadows().get(0x1000L << 12).get(DATA_VA >>> 12).mfn()).isEqualTo(mfnOf(d, DATA2));
    }

    @Test
    @DisplayName("hvm.3 a 4-byte PT write at offset 4 is aligned to its size: no unshadowing")
    void fourByteWriteAtOffsetFour() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).cpl(0).run(step(read(DATA_VA)),
                step(new GuestAccess(PT_VA + 4, AccessKind.WRITE, 4, 0x8000_0000L, 0, false, false, Insn.MOV,
                        null)),
                step(new GuestAccess(DATA_VA, AccessKind.FETCH, 1, null, 3, false, false, Insn.LOAD, null)));
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "pt_write");
        HvmDomain d = dom(r);
        assertThat(d.view().pageTables()).containsKey(mfnOf(d, L1_OF_DATA));
        assertThat(l1Word(r, 0)).as("NX set in the high half").isEqualTo((0x1010L << 12) | USER_RW | NX);
        Expect.step(r, 2, OutcomeClass.INJECTED, "vector", "14", "error_code", "P|U|I");
    }

    @Test
    @DisplayName("hvm.3 a 16-byte write crossing from a shadowed L1 into the next page: both pages written (the high "
            + "half to the next page), the crossing unshadows the table")
    void pageCrossingWideWrite() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).map(PT_VA + 0x1000, "data2", KERNEL_RW).cpl(0).run(
                step(read(DATA_VA)), step(new GuestAccess(PT_VA + 0xff8, AccessKind.WRITE, 16, 0x1234L, 0, false,
                        false, Insn.MOVDQU, null)));
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "pt_write");
        HvmDomain d = dom(r);
        assertThat(l1Word(r, 511)).isEqualTo(0x1234);
        assertThat(d.machineMemory().readWord(mfnOf(d, DATA2) << 12)).as("upper 8 bytes of the value: 0")
                .isZero();
        assertThat(d.view().pageTables()).doesNotContainKey(mfnOf(d, L1_OF_DATA));
        assertThat(r.trace().eventsOfStep(1).toString()).contains("misaligned_write");
    }

    @Test
    @DisplayName("hvm.3.F19 a write starting on a ram_ro page and crossing into an unmapped one is dropped whole: "
            + "the next page is never translated (no #PF)")
    void discardWriteIsWhole() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", USER_RW).mem("data", 0xff8, 0x1111).p2m(0x1010, "ram_ro")
                .run(step(write(DATA_VA + 0xffc, 0x55)), step(read(DATA_VA + 0xff8)));
        Expect.step(r, 0, OutcomeClass.EMULATED, "fixup", "ro_discard");
        Expect.step(r, 1, OutcomeClass.OK, "value", "0x1111");
    }

    @Test
    @DisplayName("hvm.3 a PAE guest: the PT write is emulated (32-bit linear frame), validated, remembered for F1; "
            + "the records carry the PAE level bits (0x100)")
    void paeGuest() {
        long l1 = 0x1033; // PAE layout: PDPT 0x1000 (registers), PD 0x1031, the data page's L1 0x1033
        ScenarioRunner.Run r = svm().mode(xpf.model.x86.PagingMode.PAE).frame("data2", DATA2)
                .map(DATA_VA, "data", USER_RW).mem("data2", 0, 0x2222).mapGfn(PT_VA, l1, KERNEL_RW).cpl(0)
                .run(step(read(DATA_VA)), step(write(PT_VA, (DATA2 << 12) | USER_RW)), step(read(DATA_VA)),
                        step(write(PT_VA + 8, 0)));
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "pt_write");
        Expect.step(r, 2, OutcomeClass.OK, "value", "0x2222");
        HvmDomain d = dom(r);
        assertThat(d.shadow().fastEmulationState(0)).containsEntry("last_emulated_frame", PT_VA >>> 12)
                .containsEntry("last_emulated_mfn", mfnOf(d, l1));
        assertThat(r.trace().eventsOfStep(1).toString()).contains("TRC_SHADOW_EMULATE, fields={id=0x0040f108");
        Expect.step(r, 3, OutcomeClass.EMULATED, "fixup", "pt_write");
        assertThat(r.trace().eventsOfStep(3).toString()).contains("fast_emulation");
        assertThat(d.view().pageTables()).as("PAE: the PDPTEs are cached, the PDPT is not a shadowed table")
                .doesNotContainKey(mfnOf(d, 0x1000)).doesNotContainKey(0L).containsKey(mfnOf(d, 0x1031));
        invariantsHold(r);
        ScenarioRunner.Run cr3 = svm().mode(xpf.model.x86.PagingMode.PAE).map(DATA_VA, "data", USER_RW)
                .run(step(new xpf.model.scenario.ControlWrite(0x1000L << 12, java.util.Set.of(), java.util.Set.of(),
                        null, null)));
        assertThat(cr3.trace().eventsOfStep(0).stream().filter(e -> e.name().equals("sh_update_cr3")).findFirst()
                .orElseThrow().line()).as("no top-level frame for PAE: the gl3e are cached instead")
                .contains("sh_update_cr3 root=0x1000000 gl3e0=").doesNotContain("top_mfn");
    }

    @Test
    @DisplayName("hvm.3 an aligned 8-byte write to the last entry of the L1 ends at the page end: no crossing, the "
            + "table stays shadowed")
    void lastEntryIsNoCrossing() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).cpl(0).run(step(read(DATA_VA)), step(kernel(PT_VA + 0xff8,
                Insn.MOV, 0)));
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "pt_write");
        HvmDomain d = dom(r);
        assertThat(d.view().pageTables()).containsKey(mfnOf(d, L1_OF_DATA));
        assertThat(r.trace().eventsOfStep(1).toString()).doesNotContain("misaligned_write");
    }

    @Test
    @DisplayName("hvm.3 LOCK OR reads exactly the 8 bytes of the PTE (not the neighbour entry's first byte) and "
            + "writes old | value")
    void lockOrReadsOnlyItsBytes() {
        long pwt = 0x8;
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).map(DATA_VA + 0x1000, "data2", USER_RW | pwt).cpl(0).run(
                step(read(DATA_VA)), step(kernel(PT_VA, Insn.LOCK_OR, 0x200)));
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "pt_write");
        assertThat(l1Word(r, 0)).isEqualTo((0x1010L << 12) | USER_RW | 0x200);
        assertThat(l1Word(r, 1)).isEqualTo((DATA2 << 12) | USER_RW | pwt);
    }

    @Test
    @DisplayName("hvm.3 an 8-byte write at the last 4 bytes of the L1: the low half lands there, the high half at the "
            + "start of the next page, whose other bytes are kept")
    void crossingMovSplitsTheValue() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).map(PT_VA + 0x1000, "data2", KERNEL_RW)
                .mem("data2", 0, 0x7777_7777_0000_0000L).cpl(0)
                .run(step(read(DATA_VA)), step(kernel(PT_VA + 0xffc, Insn.MOV, 0x1111_2222_3333_4444L)));
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "pt_write");
        HvmDomain d = dom(r);
        assertThat(l1Word(r, 511) >>> 32).isEqualTo(0x3333_4444L);
        assertThat(d.machineMemory().readWord(mfnOf(d, DATA2) << 12)).isEqualTo(0x7777_7777_1111_2222L);
    }

    @Test
    @DisplayName("hvm.3 an XCHG crossing from a shadowed L1 into the next page is one cmpxchg over both pages "
            + "(hvm_emulate_cmpxchg over sh_emulate_map_dest's two-page mapping): emulated, both halves written")
    void crossPageXchg() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).map(PT_VA + 0x1000, "data2", KERNEL_RW)
                .mem("data2", 0, 0x7777_7777_AAAA_BBBBL).cpl(0).run(step(read(DATA_VA)),
                        step(new GuestAccess(PT_VA + 0xffc, AccessKind.WRITE, 8, 0x1111111122222222L, 0, false,
                                false, Insn.XCHG, null)));
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "pt_write");
        HvmDomain d = dom(r);
        assertThat(l1Word(r, 511) >>> 32).as("low half in the L1").isEqualTo(0x2222_2222L);
        assertThat(d.machineMemory().readWord(mfnOf(d, DATA2) << 12)).as("high half in the next page")
                .isEqualTo(0x7777_7777_1111_1111L);
        assertThat(r.trace().eventsOfStep(1).toString()).contains("misaligned_write");
    }

    @Test
    @DisplayName("hvm.3 a LOCK OR crossing from a shadowed L1 into the next page compares each page's bytes with its "
            + "own bytes of the value read: emulated, both halves OR'd")
    void crossPageLockOr() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).map(PT_VA + 0x1000, "data2", KERNEL_RW)
                .mem("data2", 0, 0x7777_7777_AAAA_0000L).cpl(0).run(step(read(DATA_VA)),
                        step(kernel(PT_VA + 0xffc, Insn.LOCK_OR, 0x0000_5555_0000_0001L)));
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "pt_write");
        HvmDomain d = dom(r);
        assertThat(d.machineMemory().readWord(mfnOf(d, DATA2) << 12)).as("high half OR'd in the next page")
                .isEqualTo(0x7777_7777_AAAA_5555L);
        assertThat(l1Word(r, 511) >>> 32).as("low half OR'd in the L1").isEqualTo(1L);
    }

    @Test
    @DisplayName("hvm.3 TRC_SHADOW_EMULATE of a 16-byte write carries the first 8 bytes written (capped at one PTE)")
    void emulateRecordCarriesFirstPiece() {
        long pte = 0x8000_0000_0101_1067L;
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).cpl(0).run(step(read(DATA_VA)), step(new GuestAccess(PT_VA,
                AccessKind.WRITE, 16, pte, 0, false, false, Insn.MOVDQU, null)));
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "pt_write");
        String rec = r.trace().eventsOfStep(1).stream().filter(e -> e.name().equals("TRC_SHADOW_EMULATE"))
                .findFirst().orElseThrow().line();
        assertThat(rec).contains("d2=0x1011067 d3=0x80000000 d4=0x600000");
    }
}
