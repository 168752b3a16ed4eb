package xpf.conformance.reference.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.conformance.reference.xen.PvWorld.L1;
import static xpf.conformance.reference.xen.PvWorld.L2;
import static xpf.conformance.reference.xen.PvWorld.NEWDATA;
import static xpf.conformance.reference.xen.PvWorld.OTHER;
import static xpf.conformance.reference.xen.PvWorld.expect;
import static xpf.conformance.reference.xen.PvWorld.pte;
import static xpf.conformance.reference.xen.PvWorld.write;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.Insn;
import xpf.model.scenario.Knobs;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.XenProfile;
import xpf.model.xen.PvDomainView;
import xpf.model.xen.PvDomainView.FrameType;

/**
 * §2.3 row d and §3: the ptwr preconditions (§3.1), emulation rules (§3.2), validation rules (§3.3), commit (§3.4),
 * result mapping (§3.5) and read-only MMIO (§3.6), in both profiles where they differ (§8.3).
 */
class PvPtwrRowsTest {

    static final XenProfile NOW = XenProfile.XEN_4_22;
    static final XenProfile OLD = XenProfile.XEN_3_1;
    /** newdata | P|RW|US|A, as the guest writes it. */
    static final long NEW_RW = (NEWDATA << 12) | 0x27;

    @Test
    @DisplayName("pv.2.3d + pv.3.3 + pv.3.4: a kernel write of a valid PTE through the read-only L1 mapping is "
            + "emulated; Xen stores it with G|US (adjust_guest_l1e)")
    void emulated() {
        PvPrediction p = PvWorld.pv64(NOW).predict(write(0x3010, NEW_RW));
        expect(p, OutcomeClass.EMULATED, "pv.3.3", "fixup", "ptwr");
        assertThat(p.effects()).containsEntry("ptwr.pte", "0x1003010=0x1005127")
                .containsEntry("mem.0x1003010", "0x1005127");
    }

    @Test
    @DisplayName("pv.8.3: Xen 3.1 emulates the same write (the seed mail's special case)")
    void emulated31() {
        expect(PvWorld.pv64(OLD).predict(write(0x3010, NEW_RW)), OutcomeClass.EMULATED, null, "fixup", "ptwr");
    }

    @Test
    @DisplayName("pv.3.3.5: a writable mapping of the guest's own L2 is refused (-EBUSY): the #PF is forwarded, "
            + "U cleared")
    void writableL2Refused() {
        expect(PvWorld.pv64(NOW).predict(write(0x3010, (L2 << 12) | 0x27)), OutcomeClass.DELIVERED, "pv.2.5",
                "error_code", "P|W", "cr2", "0x3010", "frame.error_code", "0x3");
    }

    @Test
    @DisplayName("pv.3.3: a read-only mapping of the L2 is accepted (general reference only)")
    void readOnlyL2Accepted() {
        expect(PvWorld.pv64(NOW).predict(write(0x3010, (L2 << 12) | 0x25)), OutcomeClass.EMULATED, "pv.3.3");
    }

    @Test
    @DisplayName("pv.3.3.3: another domain's frame is refused: forwarded")
    void foreignRefused() {
        expect(PvWorld.pv64(NOW).predict(write(0x3010, (OTHER << 12) | 0x25)), OutcomeClass.DELIVERED, "pv.2.5",
                "error_code", "P|W");
    }

    @Test
    @DisplayName("pv.3.3.1: PCD is refused today for a domain without I/O; pv.8.6: Xen 3.1 allowed it")
    void cacheAttrs() {
        long pcd = (NEWDATA << 12) | 0x25 | 0x10;
        expect(PvWorld.pv64(NOW).predict(write(0x3010, pcd)), OutcomeClass.DELIVERED, "pv.2.5");
        expect(PvWorld.pv64(OLD).predict(write(0x3010, pcd)), OutcomeClass.EMULATED, null, "fixup", "ptwr");
    }

    @Test
    @DisplayName("pv.3.3.2: a frame beyond RAM without I/O permission is refused (-EPERM): forwarded")
    void ioWithoutPermission() {
        expect(PvWorld.pv64(NOW).predict(write(0x3010, 0x100_0000_0000L | 0x25)), OutcomeClass.DELIVERED, "pv.2.5");
    }

    @Test
    @DisplayName("pv.3.3.2: an I/O frame the domain may map is accepted with the cacheable type flipped to UC")
    void ioFlipped() {
        PvWorld w = PvWorld.pv64(NOW);
        w.iomem.add(0xfee00L);
        w.frame(0xfee00, PvDomainView.DOMID_IO, FrameType.NONE, 0, 0);
        PvPrediction p = w.predict(write(0x3010, (0xfee00L << 12) | 0x27));
        expect(p, OutcomeClass.EMULATED, "pv.3.3.2", "fixup", "ptwr");
        assertThat(p.effects()).containsEntry("ptwr.pte", "0x1003010=0xfee0013f");   // |PCD|PWT, then G|US
    }

    @Test
    @DisplayName("pv.3.2: a 4-byte store is spliced into the full PTE")
    void subWord() {
        PvPrediction p = PvWorld.pv64(NOW).predict(write(0x3010, 4, NEW_RW & 0xffffffffL, Insn.MOV, null));
        expect(p, OutcomeClass.EMULATED, "pv.3.3");
        assertThat(p.effects()).containsEntry("ptwr.pte", "0x1003010=0x1005127");
    }

    @Test
    @DisplayName("pv.3.2: a misaligned 8-byte store is not emulated (XSA-227): forwarded")
    void misaligned() {
        expect(PvWorld.pv64(NOW).predict(write(0x3014, NEW_RW)), OutcomeClass.DELIVERED, "pv.2.5", "cr2", "0x3014");
    }

    @Test
    @DisplayName("pv.3.2: a 16-byte store is not emulated: forwarded")
    void sixteenBytes() {
        expect(PvWorld.pv64(NOW).predict(write(0x3020, 16, NEW_RW, Insn.MOVDQU, null)), OutcomeClass.DELIVERED,
                "pv.2.5");
    }

    @Test
    @DisplayName("pv.3.2: CMPXCHG whose compare fails completes without a store: emulated")
    void cmpxchgFails() {
        PvPrediction p = PvWorld.pv64(NOW).predict(write(0x3050, 8, NEW_RW, Insn.CMPXCHG, 0x1234L));
        expect(p, OutcomeClass.EMULATED, "pv.3.2", "fixup", "ptwr");
        assertThat(p.effects()).doesNotContainKey("ptwr.pte");
    }

    @Test
    @DisplayName("pv.3.2: CMPXCHG whose compare succeeds stores the validated PTE")
    void cmpxchgSucceeds() {
        expect(PvWorld.pv64(NOW).predict(write(0x3050, 8, NEW_RW, Insn.CMPXCHG, 0L)), OutcomeClass.EMULATED,
                "pv.3.3");
    }

    @Test
    @DisplayName("pv.3.2 + pv.3.5: XCHG reads its operand first; a read running into an unmapped page raises #PF(0) "
            + "at the first byte not copied, injected instead")
    void emulatorPageFault() {
        PvWorld w = PvWorld.pv64(NOW).set(pte(L1, 10), (L1 << 12) | 0x125);
        expect(w.predict(write(0xaffc, 8, NEW_RW, Insn.XCHG, null)), OutcomeClass.DELIVERED, "pv.3.5",
                "error_code", "0", "cr2", "0xb000");
    }

    @Test
    @DisplayName("pv.3.5: x86_emulate UNHANDLEABLE (knob): the original #PF is forwarded")
    void emulatorFails() {
        expect(PvWorld.pv64(NOW).predict(write(0x3010, NEW_RW), new Knobs(true, null, false, false)),
                OutcomeClass.DELIVERED, "pv.2.5", "error_code", "P|W", "cr2", "0x3010");
    }

    @Test
    @DisplayName("pv.2.3d: no writable_pagetables assist: no ptwr, forwarded")
    void noAssist() {
        PvWorld w = PvWorld.pv64(NOW);
        w.assist.clear();
        expect(w.predict(write(0x3010, NEW_RW)), OutcomeClass.DELIVERED, "pv.2.5", "error_code", "P|W");
    }

    @Test
    @DisplayName("pv.2.3d: ptwr is only for guest-kernel writes: a user write is forwarded with P|W|U")
    void userWrite() {
        expect(PvWorld.pv64(NOW).user().predict(write(0x3010, NEW_RW)), OutcomeClass.DELIVERED, "pv.2.5",
                "error_code", "P|W|U");
    }

    @Test
    @DisplayName("pv.3.1.5: a read-only page that is not an L1 (copy-on-write) is forwarded")
    void notAnL1() {
        expect(PvWorld.pv64(NOW).predict(write(0x5008, 1)), OutcomeClass.DELIVERED, "pv.2.5", "error_code", "P|W");
    }

    @Test
    @DisplayName("pv.3.1.5: a write to the read-only L2 is never emulated (L1 only)")
    void l2NotEmulated() {
        expect(PvWorld.pv64(NOW).predict(write(0x4008, (L1 << 12) | 0x27)), OutcomeClass.DELIVERED, "pv.2.5");
    }

    @Test
    @DisplayName("pv.3.6: the hardware domain's write to a read-only MMIO frame is emulated (aligned, at CR2)")
    void mmioRo() {
        PvWorld w = mmioWorld(NOW);
        expect(w.predict(write(0x8000, 4, 1, Insn.MOV, null)), OutcomeClass.EMULATED, "pv.3.6", "fixup",
                "mmio_ro");
    }

    @Test
    @DisplayName("pv.3.6: a misaligned MMIO store is unhandleable: forwarded")
    void mmioRoMisaligned() {
        expect(mmioWorld(NOW).predict(write(0x8002, 4, 1, Insn.MOV, null)), OutcomeClass.DELIVERED, "pv.2.5");
    }

    @Test
    @DisplayName("pv.3.6: reads are unhandleable for read-only MMIO (an XCHG): forwarded")
    void mmioRoRead() {
        expect(mmioWorld(NOW).predict(write(0x8000, 4, 1, Insn.XCHG, null)), OutcomeClass.DELIVERED, "pv.2.5");
    }

    static PvWorld mmioWorld(XenProfile p) {
        PvWorld w = PvWorld.pv64(p);
        w.domid = 0;
        w.hardwareDomain = true;
        w.iomem.add(0xfee00L);
        w.mmioRo.add(0xfee00L);
        w.frame(0xfee00, PvDomainView.DOMID_IO, FrameType.NONE, 0, 0);
        for (long f : w.frames.keySet().toArray(new Long[0])) {
            PvDomainView.Frame fr = w.frames.get(f);
            if (fr.owner() == 1) {
                w.frame(new PvDomainView.Frame(f, 0, fr.count(), fr.type(), fr.typeCount(), fr.validated(),
                        fr.pinned(), fr.linearCount(), fr.paeXenL2()));
            }
        }
        w.set(pte(L1, 8), (0xfee00L << 12) | 0x125 | 0x18);   // as Xen stored it: RW and cacheable flipped away
        return w;
    }

    @Test
    @DisplayName("pv.3.3: 32-bit PV upper-half exception: a refused 4-byte write to bit 2 clears PRESENT and proceeds")
    void pv32UpperHalf() {
        PvWorld w = PvWorld.pv32(NOW);
        PvPrediction p = w.predict(write(0x300c, 4, 0x100, Insn.MOV, null));
        expect(p, OutcomeClass.EMULATED, "pv.3.3", "fixup", "ptwr");
        assertThat(p.effects()).containsEntry("ptwr.pte", "0x1003008=0x10001004026");
    }

    @Test
    @DisplayName("pv.2.3d: 32-bit PV (ring-1 kernel): the same ptwr emulation, no leaf adjustment")
    void pv32Emulated() {
        PvPrediction p = PvWorld.pv32(NOW).predict(write(0x3010, NEW_RW));
        expect(p, OutcomeClass.EMULATED, "pv.3.3", "fixup", "ptwr");
        assertThat(p.effects()).containsEntry("ptwr.pte", "0x1003010=0x1005027");
    }

    @Test
    @DisplayName("pv.3.3: not-present entry with address bits: the L1TF check needs host state the view lacks")
    void l1tfNotModelled() {
        PvWorld.notModelled(PvWorld.pv64(NOW).predict(write(0x3010, NEWDATA << 12)), "L1TF");
    }

}
