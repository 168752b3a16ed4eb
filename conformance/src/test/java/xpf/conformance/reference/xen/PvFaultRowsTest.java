package xpf.conformance.reference.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.conformance.reference.xen.PvWorld.COW;
import static xpf.conformance.reference.xen.PvWorld.DATA;
import static xpf.conformance.reference.xen.PvWorld.L1;
import static xpf.conformance.reference.xen.PvWorld.NEWDATA;
import static xpf.conformance.reference.xen.PvWorld.expect;
import static xpf.conformance.reference.xen.PvWorld.implicitRead;
import static xpf.conformance.reference.xen.PvWorld.pte;
import static xpf.conformance.reference.xen.PvWorld.read;
import static xpf.conformance.reference.xen.PvWorld.write;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Insn;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.AccessKind;
import xpf.model.x86.TlbEntryView;
import xpf.model.xen.PvDomainView.FrameType;

/**
 * The step rows (§6), the hardware rows (x86-paging §1.1a/§1.1d/§1.1f through the vCPU's TLB), §2.2 around the
 * fixups, §2.3 rows c and e and §2.4 (GDT/LDT area), each against a hand-built view with hand-computed expectations.
 */
class PvFaultRowsTest {

    static final XenProfile NOW = XenProfile.XEN_4_22;
    static final XenProfile OLD = XenProfile.XEN_3_1;

    // ------------------------------------------------------------------------- step rows

    @Test
    @DisplayName("pv.6: after a Xen panic every step answers with the panic")
    void panicked() {
        PvWorld w = PvWorld.pv64(NOW);
        w.xenPanic = "fatal_page_fault";
        expect(w.predict(read(0x1000)), OutcomeClass.PANIC, "pv.6", "reason", "fatal_page_fault");
    }

    @Test
    @DisplayName("pv.6: a crashed domain answers every later step with its crash")
    void crashed() {
        PvWorld w = PvWorld.pv64(NOW);
        w.alive = false;
        w.crashReason = "no_pf_handler";
        expect(w.predict(read(0x1000)), OutcomeClass.DOMAIN_CRASH, "pv.6", "reason", "no_pf_handler");
    }

    // ------------------------------------------------------------------------- hardware

    @Test
    @DisplayName("1.1a: a permitted read completes with the value in the frame")
    void readCompletes() {
        PvWorld w = PvWorld.pv64(NOW).set((DATA << 12) + 0x10, 0x1122_3344L);
        expect(w.predict(read(0x1010)), OutcomeClass.OK, "1.1a", "value", "0x11223344");
    }

    @Test
    @DisplayName("1.1f: a stale TLB entry that still allows the access is used (no walk, no fault)")
    void staleTlbPermits() {
        PvWorld w = PvWorld.pv64(NOW).set(DATA << 12, 0x77);
        w.tlb.add(new TlbEntryView(0x9000, 0x1000, DATA << 12, true, true, false, 0, true, false));
        expect(w.predict(read(0x9000)), OutcomeClass.OK, "1.1a", "value", "0x77");
    }

    @Test
    @DisplayName("1.1f + pv.2.5: a stale read-only TLB entry faults although the table allows the write; a guest "
            + "fault is not re-walked: forwarded with P|W")
    void staleTlbDenies() {
        PvWorld w = PvWorld.pv64(NOW).set(pte(L1, 5), (COW << 12) | 0x127);
        w.tlb.add(new TlbEntryView(0x5000, 0x1000, COW << 12, true, false, false, 0, false, false));
        expect(w.predict(write(0x5008, 1)), OutcomeClass.DELIVERED, "pv.2.5", "vector", "14", "error_code", "P|W",
                "cr2", "0x5008");
    }

    @Test
    @DisplayName("1.1d: a non-canonical access is #GP(0), passed on to the guest's #GP handler")
    void nonCanonical() {
        expect(PvWorld.pv64(NOW).predict(read(0x8000_0000_0000_0000L)), OutcomeClass.DELIVERED, "1.1d", "vector",
                "13", "error_code", "0x0", "handler", "0xffffffff81000100");
    }

    @Test
    @DisplayName("1.1d + pv.5.6: a non-canonical stack reference is #SS(0); no handler for vector 12: crash")
    void nonCanonicalStack() {
        GuestAccess a = new GuestAccess(0x8000_0000_0000_0000L, AccessKind.READ, 8, null, null, false, true,
                Insn.LOAD, null);
        expect(PvWorld.pv64(NOW).predict(a), OutcomeClass.DOMAIN_CRASH, "pv.5.6", "reason", "no_handler");
    }

    @Test
    @DisplayName("1.1d: an access crossing into an unmapped page faults with CR2 = the second page's first byte")
    void pageCrossing() {
        expect(PvWorld.pv64(NOW).predict(read(0x6ffc)), OutcomeClass.DELIVERED, "pv.2.5", "cr2", "0x7000",
                "error_code", "0");
    }

    // ------------------------------------------------------------------------- §2.2 steps 4-6, §2.5

    @Test
    @DisplayName("pv.2.5 + pv.5.2: a kernel read of an unmapped address is forwarded with U cleared")
    void forwardedKernel() {
        expect(PvWorld.pv64(NOW).predict(read(0x9000)), OutcomeClass.DELIVERED, "pv.2.5", "vector", "14",
                "error_code", "0", "cr2", "0x9000", "handler", "0xffffffff81000000");
    }

    @Test
    @DisplayName("pv.2.5 + pv.5.2: a user-mode fault keeps U")
    void forwardedUser() {
        expect(PvWorld.pv64(NOW).user().predict(read(0x9000)), OutcomeClass.DELIVERED, "pv.2.5", "error_code", "U");
    }

    @Test
    @DisplayName("pv.2.2.4: a RSVD #PF panics Xen today (4.14+)")
    void rsvdPanics() {
        PvWorld w = PvWorld.pv64(NOW).set(pte(L1, 1), (DATA << 12) | 0x127 | (1L << 45));
        expect(w.predict(read(0x1000)), OutcomeClass.PANIC, "pv.2.2.4", "reason", "rsvd_page_fault");
    }

    @Test
    @DisplayName("pv.8.6: Xen 3.1 forwards a RSVD #PF (U cleared for the kernel)")
    void rsvdForwarded31() {
        PvWorld w = PvWorld.pv64(OLD).set(pte(L1, 1), (DATA << 12) | 0x127 | (1L << 45));
        expect(w.predict(read(0x1000)), OutcomeClass.DELIVERED, "pv.2.5", "error_code", "P|RSVD", "cr2", "0x1000");
    }

    // ------------------------------------------------------------------------- §2.3 row c, §2.4

    @Test
    @DisplayName("pv.2.3c: a direct access to Xen's range has no fixup: forwarded (supervisor-only: P, U cleared)")
    void xenRange() {
        expect(PvWorld.pv64(NOW).predict(read(0xffff810000000000L)), OutcomeClass.DELIVERED, "pv.2.5",
                "error_code", "P", "cr2", "0xffff810000000000");
    }

    @Test
    @DisplayName("pv.2.4: a GDT-half fault becomes #GP(offset with EXT/IDT/TI cleared)")
    void gdtHalf() {
        expect(PvWorld.pv64(NOW).predict(implicitRead(0xffff82000000002bL)), OutcomeClass.DELIVERED, "pv.2.4",
                "vector", "13", "error_code", "0x28", "handler", "0xffffffff81000100", "frame.error_code", "0x28");
    }

    @Test
    @DisplayName("pv.2.4: an LDT-half fault maps the guest's LDT page (seg_desc type): fixed")
    void ldtMapped() {
        PvWorld w = PvWorld.pv64(NOW).set(pte(L1, 7), (NEWDATA << 12) | 0x125);
        w.frame(NEWDATA, 1, FrameType.NONE, 1, 0);
        w.ldtBase = 0x7000;
        w.ldtEnts = 16;
        PvPrediction p = w.predict(implicitRead(0xffff820000010008L));
        expect(p, OutcomeClass.FIXED, "pv.2.4", "fixup", "ldt_mapped");
        assertThat(p.effects()).containsEntry("vcpu.ldt_shadow.0", "0x1005");
    }

    @Test
    @DisplayName("pv.2.4: an LDT page that cannot be typed (mapped writable) gives #PF at ldt_base + offset")
    void ldtFails() {
        PvWorld w = PvWorld.pv64(NOW);
        w.ldtBase = 0x1000;
        w.ldtEnts = 16;
        expect(w.predict(implicitRead(0xffff820000010018L)), OutcomeClass.DELIVERED, "pv.2.4", "vector", "14",
                "error_code", "0", "cr2", "0x1018");
    }

    @Test
    @DisplayName("pv.2.4: another vCPU's area: no fixup, forwarded (today)")
    void foreignArea() {
        expect(PvWorld.pv64(NOW).predict(implicitRead(0xffff820000030000L)), OutcomeClass.DELIVERED, "pv.2.5",
                "cr2", "0xffff820000030000", "error_code", "0");
    }

    @Test
    @DisplayName("pv.8.6: another vCPU's area hits BUG_ON in 3.1: panic")
    void foreignArea31() {
        expect(PvWorld.pv64(OLD).predict(implicitRead(0xffff820000030000L)), OutcomeClass.PANIC, "pv.8.6",
                "reason", "gdt_ldt_bug_on");
    }

    @Test
    @DisplayName("pv.2.3c: a 64-bit kernel's direct (U=1) access to the LDT area is filtered out today: forwarded")
    void directLdtFiltered() {
        PvWorld w = PvWorld.pv64(NOW).set(pte(L1, 7), (NEWDATA << 12) | 0x125);
        w.ldtBase = 0x7000;
        w.ldtEnts = 16;
        expect(w.predict(read(0xffff820000010008L)), OutcomeClass.DELIVERED, "pv.2.5", "error_code", "0");
    }

    @Test
    @DisplayName("pv.8.6: 3.1 has no U-bit filter: the direct access maps the LDT page")
    void directLdt31() {
        PvWorld w = PvWorld.pv64(OLD).set(pte(L1, 7), (NEWDATA << 12) | 0x125);
        w.frame(NEWDATA, 1, FrameType.NONE, 1, 0);
        w.ldtBase = 0x7000;
        w.ldtEnts = 16;
        expect(w.predict(read(0xffff820000010008L)), OutcomeClass.FIXED, "pv.2.4", "fixup", "ldt_mapped");
    }

    // ------------------------------------------------------------------------- §2.3 row e

    @Test
    @DisplayName("pv.2.3e: log-dirty: the first write to a clean frame is fixed by paging_fault")
    void logDirtyFix() {
        PvWorld w = PvWorld.pv64(NOW);
        w.logDirty = true;
        expect(w.predict(write(0x1000, 5)), OutcomeClass.FIXED, "pv.2.3e", "fixup", "paging");
    }

    @Test
    @DisplayName("pv.2.3e: log-dirty: a write to a dirty frame completes; a real guest fault is forwarded")
    void logDirtyOthers() {
        PvWorld w = PvWorld.pv64(NOW);
        w.logDirty = true;
        w.dirty.add(DATA);
        expect(w.predict(write(0x1000, 5)), OutcomeClass.OK, "1.1a");
        expect(w.predict(read(0x9000)), OutcomeClass.DELIVERED, "pv.2.5", "cr2", "0x9000");
    }

    @Test
    @DisplayName("pv.2.3e: log-dirty: a write straddling a clean page and a missing one faults on the clean page first")
    void logDirtyOrder() {
        PvWorld w = PvWorld.pv64(NOW);
        w.logDirty = true;
        expect(w.predict(write(0x1ffc, 8, 1, Insn.MOV, null)), OutcomeClass.FIXED, "pv.2.3e");
    }

    // ------------------------------------------------------------------------- not modelled, on purpose

    @Test
    @DisplayName("pv.2.1: guest context with IF=0 (fatal_trap has no reason name): not modelled")
    void interruptsOff() {
        PvWorld w = PvWorld.pv64(NOW);
        w.rflags = 0x2;
        PvWorld.notModelled(w.predict(read(0x9000)), "IF=0");
    }

    @Test
    @DisplayName("1.1f: a stale paging-structure cache entry on the walk: not modelled")
    void stalePsc() {
        PvWorld w = PvWorld.pv64(NOW);
        w.psc.add(new xpf.model.x86.PscEntryView(0, 0, 0x5000_0000L, true, true, false));
        PvWorld.notModelled(w.predict(read(0x9000)), "paging-structure cache");
    }

}
