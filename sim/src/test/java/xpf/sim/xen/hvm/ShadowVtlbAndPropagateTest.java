package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;
import static xpf.sim.xen.hvm.ShPageFaultTest.*;

import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.ControlFlag;
import xpf.model.scenario.ControlWrite;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.Insn;
import xpf.model.scenario.Invlpg;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.Step;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PagingMode;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.xen.mm.shadow.ShadowL1e;

/**
 * The vTLB the shadow emulator translates through (mm/shadow/private.h: {@code VTLB_ENTRIES} 13 slots hashed by page
 * number, filled by {@code vtlb_insert} at F10, emptied by guest TLB flushes), 64-bit addresses above 4 GiB, and
 * {@code _sh_propagate} (§3.3) on the entries a validation or a fault builds.
 */
class ShadowVtlbAndPropagateTest {

    /** The PD (gfn 0x1032): a shadowed page table that {@link ShPageFaultTest#PT_VA} can be re-pointed to. */
    static final long PD = 0x1032;
    /** vpn 0x5f3 ≡ 0x600 (mod 13): same vTLB slot as {@code PT_VA}, in the data page's L1 (not prefetched). */
    static final long SAME_SLOT_VA = 0x5F3000;
    /** vpn 0x5f4: another slot. */
    static final long OTHER_SLOT_VA = 0x5F4000;

    static GuestAccess kernelWrite(long va, long value) {
        return new GuestAccess(va, AccessKind.WRITE, 8, value, 0, false, false, Insn.MOV, null);
    }

    static long word(ScenarioRunner.Run r, long gfn, long offset) {
        HvmDomain d = dom(r);
        return d.machineMemory().readWord((mfnOf(d, gfn) << 12) + offset);
    }

    /**
     * Emulate a PT write at PT_VA (F1 remembers the frame, the vTLB keeps PT_VA → 0x1034), re-point the guest PTE
     * of PT_VA to the PD behind Xen's back (a host write, validated into the shadow: read-only, the PD is a page
     * table), run {@code between}, then write PT_VA+0x100 again: the fast path emulates, and the vTLB decides where
     * the write lands.
     */
    static ScenarioRunner.Run repointed(Step between) {
        HostWrite repoint = new HostWrite(0x1035L << 12, 8, (PD << 12) | KERNEL_RW);
        return ptGuest(KERNEL_RW).map(SAME_SLOT_VA, "data2", USER_RW).map(OTHER_SLOT_VA, "data2", USER_RW).cpl(0)
                .run(step(read(DATA_VA)), step(kernelWrite(PT_VA + 0x10, 0)), step(repoint), between,
                        step(kernelWrite(PT_VA + 0x100, 0x5A5A)));
    }

    @Test
    @DisplayName("hvm.3.F1/F10 no guest TLB flush: the fast path's emulator hits the vTLB entry of the last slow "
            + "fault, so the write lands in the old frame (the guest did not flush its stale translation)")
    void staleVtlbEntryIsUsed() {
        ScenarioRunner.Run r = repointed(step(read(OTHER_SLOT_VA)));
        Expect.step(r, 4, OutcomeClass.EMULATED, "fixup", "pt_write");
        assertThat(r.trace().eventsOfStep(4).toString()).contains("fast_emulation");
        assertThat(word(r, L1_OF_DATA, 0x100)).isEqualTo(0x5A5A);
        assertThat(word(r, PD, 0x100)).isZero();
    }

    @Test
    @DisplayName("hvm.3.F10 a slow fault on a page in the same vTLB slot (vpn ≡ frame mod 13) evicts the entry: the "
            + "emulator walks again and the write lands where the guest PTE points now")
    void sameSlotEvicts() {
        ScenarioRunner.Run r = repointed(step(read(SAME_SLOT_VA)));
        Expect.step(r, 3, OutcomeClass.FIXED, "fixup", "shadow_fixup");
        Expect.step(r, 4, OutcomeClass.EMULATED, "fixup", "pt_write");
        assertThat(word(r, PD, 0x100)).isEqualTo(0x5A5A);
        assertThat(word(r, L1_OF_DATA, 0x100)).isZero();
    }

    @Test
    @DisplayName("hvm.3 sh_invlpg flushes the vTLB: the next fast-path write walks again")
    void invlpgFlushes() {
        ScenarioRunner.Run r = repointed(step(new Invlpg(PT_VA)));
        assertThat(word(r, PD, 0x100)).isEqualTo(0x5A5A);
        assertThat(word(r, L1_OF_DATA, 0x100)).isZero();
    }

    @Test
    @DisplayName("hvm.3 sh_update_cr3 (a CR3 write, even of the same value) flushes the vTLB")
    void cr3WriteFlushes() {
        ScenarioRunner.Run r = repointed(step(new ControlWrite(0x1000L << 12, Set.of(), Set.of(), null, null)));
        assertThat(word(r, PD, 0x100)).isEqualTo(0x5A5A);
        assertThat(word(r, L1_OF_DATA, 0x100)).isZero();
    }

    static final long HIGH = 0x1_0000_0000L;

    @Test
    @DisplayName("hvm.3 64-bit guest above 4 GiB: the shadow is kept for the full linear page (no 32-bit "
            + "truncation); a second access does not fault")
    void above4GiB() {
        ScenarioRunner.Run r = svm().map(HIGH + DATA_VA, "data", USER_RW).mem("data", 0, 0x1111)
                .run(step(read(HIGH + DATA_VA)), step(read(HIGH + DATA_VA)));
        Expect.step(r, 0, OutcomeClass.FIXED, "fixup", "shadow_fixup");
        Expect.step(r, 1, OutcomeClass.OK, "value", "0x1111");
        assertThat(dom(r).view().shadows().get(0x1000L << 12)).containsKey((HIGH + DATA_VA) >>> 12)
                .doesNotContainKey(DATA_VA >>> 12);
    }

    @Test
    @DisplayName("hvm.3.E9/F1 a PT write above 4 GiB remembers the full frame; the next write there takes the fast "
            + "path; the prefetch after the fault starts at the next full page")
    void ptWriteAbove4GiB() {
        long pt = HIGH + PT_VA;
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", USER_RW).mapGfn(pt, L1_OF_DATA, KERNEL_RW)
                .map(pt + 0x1000, "data", USER_RW).cpl(0)
                .run(step(read(DATA_VA)), step(write(pt + 0x10, 0)), step(write(pt + 0x18, 0)));
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "pt_write");
        assertThat(dom(r).shadow().fastEmulationState(0)).containsEntry("last_emulated_frame", pt >>> 12);
        assertThat(r.trace().eventsOfStep(1).stream().filter(e -> e.name().equals("sh_prefetch")).findFirst()
                .orElseThrow().line()).contains("from=0x100601000").endsWith("entries=1");
        Expect.step(r, 2, OutcomeClass.EMULATED, "fixup", "pt_write");
        assertThat(r.trace().eventsOfStep(2).stream().filter(e -> e.name().equals("sh_page_fault.fast_emulation"))
                .findFirst().orElseThrow().line()).contains("frame=0x100600000 mfn=0x"
                        + Long.toHexString(mfnOf(dom(r), L1_OF_DATA)));
    }

    @Test
    @DisplayName("hvm.3.3 a validated guest PTE with A clear gives no shadow: the next access faults so Xen sets A")
    void validatedEntryWithoutAccessed() {
        ScenarioRunner.Run r = ptGuest(KERNEL_RW).cpl(0).run(step(read(DATA_VA)),
                step(kernelWrite(PT_VA, (DATA2 << 12) | P | RW | US | D)), step(read(DATA_VA)),
                step(read(DATA_VA)));
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "pt_write");
        Expect.step(r, 2, OutcomeClass.FIXED, "fixup", "shadow_fixup");
        Expect.step(r, 3, OutcomeClass.OK, "value", "0x2222");
        invariantsHold(r);
    }

    @Test
    @DisplayName("hvm.3.3 NX of the guest is kept in the shadow: after a read shadowed an NX page, a fetch faults "
            + "(P|U|I)")
    void nxPropagated() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", USER_RW | NX).run(step(read(DATA_VA)),
                step(new GuestAccess(DATA_VA, AccessKind.FETCH, 1, null, 3, false, false, Insn.LOAD, null)));
        Expect.step(r, 1, OutcomeClass.INJECTED, "vector", "14", "error_code", "P|U|I", "cr2", "0x400000");
        ShadowL1e s = dom(r).view().shadows().get(0x1000L << 12).get(DATA_VA >>> 12);
        assertThat(s.sl1e() & NX).isEqualTo(NX);
    }

    @Test
    @DisplayName("hvm.3.3 a writable shadow entry: guest frame, P|RW|US|A|D (D passed because the guest's D is set)")
    void writableEntryBits() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", USER_RW).run(step(write(DATA_VA, 1)));
        HvmDomain d = dom(r);
        ShadowL1e s = d.view().shadows().get(0x1000L << 12).get(DATA_VA >>> 12);
        assertThat(s.sl1e()).isEqualTo((mfnOf(d, 0x1010) << 12) | P | RW | US | A | D);
    }

    @Test
    @DisplayName("hvm.3.3 a guest mapping of a direct-MMIO gfn is shadowed to its frame: the retried access runs")
    void mmioDirect() {
        ScenarioRunner.Run r = svm().mapGfn(0x800000, 0x3000, USER_RW).p2m(0x3000, "mmio_direct")
                .run(step(read(0x800000)), step(read(0x800008)));
        Expect.step(r, 0, OutcomeClass.FIXED, "fixup", "shadow_fixup");
        Expect.step(r, 1, OutcomeClass.OK);
        HvmDomain d = dom(r);
        assertThat(d.view().shadows().get(0x1000L << 12).get(0x800L).mfn()).isEqualTo(d.p2m().lookup(0x3000).mfn());
    }

    @Test
    @DisplayName("hvm.3 xen-3.1: A is set by guest_set_ad_bits during propagation (3.0.4/3.1 order, §3.4); the "
            + "fixed access then runs")
    void accessedSetDuringPropagation31() {
        ScenarioRunner.Run r = svm().xen(XenProfile.XEN_3_1).map(DATA_VA, "data", P | RW | US).mem("data", 0, 7)
                .run(step(read(DATA_VA)), step(read(DATA_VA)));
        Expect.step(r, 0, OutcomeClass.FIXED);
        Expect.step(r, 1, OutcomeClass.OK, "value", "0x7");
        HvmDomain d = dom(r);
        long pte = d.machineMemory().readWord(mfnOf(d, L1_OF_DATA) << 12);
        assertThat(pte & (A | D)).isEqualTo(A);
    }

    @Test
    @DisplayName("hvm.3.4 xen-3.1: a kernel PT write with no interrupted event delivery is emulated (no unshadow)")
    void ptWrite31() {
        ScenarioRunner.Run r = svm().xen(XenProfile.XEN_3_1).frame("data2", DATA2).map(DATA_VA, "data", USER_RW)
                .mapGfn(PT_VA, L1_OF_DATA, KERNEL_RW).cpl(0)
                .run(step(read(DATA_VA)), step(write(PT_VA, (DATA2 << 12) | USER_RW)));
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "pt_write");
        HvmDomain d = dom(r);
        assertThat(d.view().pageTables()).containsKey(mfnOf(d, L1_OF_DATA));
    }

    @Test
    @DisplayName("hvm.3 sh_update_paging_modes after an NXE change re-protects the top level: a write to the "
            + "guest's own L4 is still emulated")
    void pagingModeChangeReprotectsTop() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", USER_RW).mapGfn(PT_VA, 0x1000, KERNEL_RW).cpl(0)
                .run(step(read(DATA_VA)), step(new ControlWrite(null, Set.of(), Set.of(ControlFlag.NXE), null,
                        null)), step(write(PT_VA + 0x800, 0)));
        Expect.step(r, 2, OutcomeClass.EMULATED, "fixup", "pt_write");
        HvmDomain d = dom(r);
        assertThat(d.view().pageTables()).containsEntry(mfnOf(d, 0x1000), Set.of(4));
        assertThat(r.trace().eventsOfStep(1).toString()).contains("sh_update_cr3")
                .contains("top_mfn=0x" + Long.toHexString(mfnOf(d, 0x1000)));
    }

    @Test
    @DisplayName("hvm.3 a 2-level guest: its top-level table is promoted at level 2; the prefetch stops at the end "
            + "of the shadow l1 page (index 511 does not continue to 512)")
    void twoLevelGuest() {
        // sh_prefetch counts "no further than the end of the _shadow_ l1 MFN" from ptr_sl1e, a pointer into the
        // linear shadow l1 map (shadow_get_and_create_l1e: "the guest l1 table has an 8k shadow", multi.c 4.22
        // c447b73 and 3.1.0-branched): 512 entries per page, so a 2-level guest's index 512 is in the other page.
        // This test asserted the opposite before finding seed10-try5356.
        long va = 0x1FF000; // index 511 of the first page table
        ScenarioRunner.Run r = svm().mode(PagingMode.LEGACY2).controls(ControlFlag.WP).frame("d2", 0x1011)
                .map(va, "data", USER_RW).map(va + 0x1000, "d2", USER_RW).run(step(read(va)), step(read(va + 0x1000)));
        HvmDomain d = dom(r);
        assertThat(d.view().pageTables()).containsEntry(mfnOf(d, 0x1000), Set.of(2));
        Expect.step(r, 1, OutcomeClass.FIXED, "fixup", "shadow_fixup");
    }
}
