package xpf.conformance.reference.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.conformance.reference.xen.TestGuest.A;
import static xpf.conformance.reference.xen.TestGuest.D;
import static xpf.conformance.reference.xen.TestGuest.HANDLER_DF;
import static xpf.conformance.reference.xen.TestGuest.HANDLER_INTR;
import static xpf.conformance.reference.xen.TestGuest.HANDLER_PF;
import static xpf.conformance.reference.xen.TestGuest.P;
import static xpf.conformance.reference.xen.TestGuest.RW;
import static xpf.conformance.reference.xen.TestGuest.US;

import java.util.Map;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Insn;
import xpf.model.scenario.OutcomeClass;
import xpf.model.x86.AccessKind;
import xpf.model.xen.HvmDomainView;

/**
 * The HVM oracle's rows, one test per row or rule, each on a hand-built view ({@link TestGuest}) with the outcome
 * computed by hand from xen-hvm-fault-path.md (the tag of the row in the display name).
 */
class HvmOracleTest {

    static final long DATA = 0x1010;
    static final long MAGIC = 0xFFFF_FFF0_0000_0001L;

    static void expect(Prediction p, OutcomeClass c, String rule, String... kv) {
        assertThat(p.modelled()).as("modelled: %s", p.reason()).isTrue();
        assertThat(p.outcome()).as(p.summary()).isEqualTo(c);
        if (rule != null) {
            assertThat(p.rule()).as(p.summary()).contains(rule);
        }
        for (String s : kv) {
            int eq = s.indexOf('=');
            assertThat(p.fields()).as(p.summary()).containsEntry(s.substring(0, eq), s.substring(eq + 1));
        }
    }

    static TestGuest data(long flags) {
        TestGuest g = new TestGuest();
        g.map(0x400000, DATA, flags);
        g.word(DATA << 12, 0x1122);
        return g;
    }

    @Nested
    @DisplayName("sh_page_fault (hvm.3)")
    class Shadow {

        @Test
        @DisplayName("hvm.3.F21: a mapped page without a shadow is fixed silently")
        void f21() {
            expect(data(P | RW | US | A | D).predict(TestGuest.read(0x400000)), OutcomeClass.FIXED, "hvm.3.F21",
                    "fixup=shadow_fixup");
        }

        @Test
        @DisplayName("1.1c: a shadow entry that allows the access: no exit, the read returns memory")
        void noExit() {
            TestGuest g = data(P | RW | US | A | D);
            g.shadow(0x400000, (DATA << 12) | P | RW | US | A | D);
            expect(g.predict(TestGuest.read(0x400000)), OutcomeClass.OK, null, "value=0x1122");
        }

        @Test
        @DisplayName("hvm.3.F7 / hvm.1.4: a failed guest walk injects the walk's error code (SVM EVENTINJ)")
        void f7Svm() {
            TestGuest g = new TestGuest().deliveryShadowed();
            expect(g.predict(TestGuest.write(0x500000, 1)), OutcomeClass.INJECTED, "hvm.3.F7", "vector=14",
                    "error_code=W|U", "cr2=0x500000", "event.eventinj=0x680000b0e", "event.exitcode=0x4e",
                    "event.exitinfo1=0x6", "event.exitinfo2=0x500000", "event.exit_int_info=0x0",
                    "event.cr2=0x500000", "delivery.vector=14", "delivery.error_code=W|U", "delivery.cr2=0x500000",
                    "delivery.handler=0xffffffff81000e00", "delivery.frame.error_code=0x6",
                    "delivery.frame.rip=0x401000", "delivery.frame.cs=0x33", "delivery.frame.rflags=0x202",
                    "delivery.frame.rsp=0x7ffff000", "delivery.frame.ss=0x2b", "delivery.frame.base=0x20fd0");
        }

        @Test
        @DisplayName("hvm.2.4: the same injection on VMX: VM_ENTRY_INTR_INFO 0x80000B0E, error code 6, guest_cr2")
        void f7Vmx() {
            TestGuest g = new TestGuest().vmx().deliveryShadowed();
            expect(g.predict(TestGuest.write(0x500000, 1)), OutcomeClass.INJECTED, "hvm.3.F7",
                    "event.entry_intr_info=0x80000b0e", "event.entry_error_code=0x6", "event.exit_reason=0x0",
                    "event.exit_intr_info=0x80000b0e", "event.exit_intr_error_code=0x6",
                    "event.exit_qualification=0x500000", "event.idt_vectoring_info=0x0",
                    "event.guest_cr2=0x500000");
        }

        @Test
        @DisplayName("hvm.3.F9: a gfn that is not RAM propagates the hardware error code with the walk's P")
        void f9() {
            TestGuest g = new TestGuest().deliveryShadowed();
            g.map(0x800000, 0x3000, P | RW | US | A | D);
            g.type(0x3000, "invalid");
            expect(g.predict(TestGuest.read(0x800000)), OutcomeClass.INJECTED, "hvm.3.F9", "error_code=P|U",
                    "cr2=0x800000");
        }

        @Test
        @DisplayName("hvm.3.F2b: RSVD on the gnp magic flips RSVD|P off the hardware error code")
        void f2bGnp() {
            TestGuest g = new TestGuest().deliveryShadowed();
            g.shadow(0x401000, -1L);
            expect(g.predict(TestGuest.write(0x401000, 1)), OutcomeClass.INJECTED, "hvm.3.F2b",
                    "error_code=W|U", "event.exitinfo1=0xf");
        }

        @Test
        @DisplayName("hvm.3.F2b': RSVD on an MMIO magic entry: emulated against the device it encodes")
        void f2bMmio() {
            TestGuest g = new TestGuest();
            g.device("dev", "regs", 0x2000, Map.of(0, 0xcafeL));
            g.map(0x700000, 0x2000, P | RW | US | A | D);
            g.shadow(0x700000, MAGIC | (0x2000L << 4) | US | RW);
            expect(g.predict(TestGuest.read(0x700000)), OutcomeClass.EMULATED, "hvm.3.F2b'", "fixup=mmio",
                    "value=0xcafe");
        }

        /** A guest mapping of the device page at 0x700000 with leaf {@code flags}, and its MMIO magic entry. */
        TestGuest magic(long flags) {
            TestGuest g = new TestGuest().deliveryShadowed();
            g.device("dev", "regs", 0x2000, Map.of(0, 0xcafeL));
            g.map(0x700000, 0x2000, flags);
            g.shadow(0x700000, MAGIC | (0x2000L << 4) | (flags & (US | RW)));
            return g;
        }

        @Test
        @DisplayName("hvm.3.F2b' (xen-4.22, linear_write): a user write through a read-only mapping of MMIO is the "
                + "emulator's #PF(P|W|U), not a device write (formerly S4)")
        void f2bMmioRightsWrite() {
            // hardware: the magic entry has no RW: #PF P|W|U|RSVD → F2b'; hvmemul_write → linear_write →
            // hvm_copy_to_guest_linear walks 0x700000 with P|W|U: the leaf is P|US (read-only): #PF P|W|U, CR2 =
            // 0x700000; the known gfn is never used
            expect(magic(P | US | A | D).predict(TestGuest.write(0x700000, 7)), OutcomeClass.INJECTED, "hvm.3.F2b'",
                    "vector=14", "error_code=P|W|U", "cr2=0x700000");
        }

        @Test
        @DisplayName("hvm.3.F2b' (xen-4.22, linear_read): a user read through a supervisor mapping of MMIO is the "
                + "emulator's #PF(P|U)")
        void f2bMmioRightsRead() {
            // hardware: the magic entry has no US: #PF P|U|RSVD → F2b'; linear_read → hvm_copy_from_guest_linear
            // walks with P|U: the leaf is supervisor-only: #PF P|U
            expect(magic(P | RW | A | D).predict(TestGuest.read(0x700000)), OutcomeClass.INJECTED, "hvm.3.F2b'",
                    "vector=14", "error_code=P|U", "cr2=0x700000");
        }

        @Test
        @DisplayName("hvm.3.4 (xen-3.1, handle_mmio): the same write goes to the device at the faulting gpa, no walk")
        void f2bMmioRightsXen31() {
            expect(magic(P | US | A | D).xen31().predict(TestGuest.write(0x700000, 7)), OutcomeClass.EMULATED,
                    "hvm.3.4", "fixup=mmio");
        }

        @Test
        @DisplayName("hvm.3.F2b': a failing MMIO emulation injects #PF with RSVD|P still set")
        void f2bMmioFails() {
            TestGuest g = new TestGuest().deliveryShadowed();
            g.device("dev", "regs", 0x2000, Map.of(0, 0xcafeL));
            g.shadow(0x700000, MAGIC | (0x2000L << 4) | US | RW);
            expect(g.predict(TestGuest.read(0x700000), TestGuest.EMULATOR_FAILS), OutcomeClass.INJECTED,
                    "hvm.3.F2b'", "error_code=P|U|RSVD");
        }

        @Test
        @DisplayName("hvm.3.F2c: RSVD on an entry that is not magic: a false alarm, fixed")
        void f2c() {
            TestGuest g = data(P | RW | US | A | D);
            g.shadow(0x400000, (DATA << 12) | (1L << 45) | P | RW | US | A | D);
            expect(g.predict(TestGuest.read(0x400000)), OutcomeClass.FIXED, "hvm.3.F2c",
                    "fixup=shadow_fast_false");
        }

        @Test
        @DisplayName("hvm.3.F11: shadow_prealloc fails: the domain is crashed")
        void f11() {
            expect(data(P | RW | US | A | D).predict(TestGuest.read(0x400000), TestGuest.SHADOW_OOM),
                    OutcomeClass.DOMAIN_CRASH, "hvm.3.F11", "reason=shadow_prealloc");
        }

        TestGuest pageTableWrite(boolean kernel) {
            TestGuest g = kernel ? data(P | RW | US | A | D).kernel() : data(P | RW | US | A | D);
            g.deliveryShadowed();
            g.map(0x600000, 0x1034, P | RW | US | A | D);
            g.pageTable(0x1034);
            g.shadow(0x600000, (0x1034L << 12) | P | US | A | D);
            return g;
        }

        @Test
        @DisplayName("hvm.3.F17 + hvm.3.E12: a kernel write to a shadowed page table is emulated")
        void f17() {
            expect(pageTableWrite(true).predict(TestGuest.write(0x600010, 0)), OutcomeClass.EMULATED, "hvm.3.F17",
                    "fixup=pt_write");
        }

        @Test
        @DisplayName("hvm.3.E2: a user write to a shadowed page table unshadows it")
        void e2() {
            expect(pageTableWrite(false).predict(TestGuest.write(0x600010, 0)), OutcomeClass.FIXED, "hvm.3.E2",
                    "fixup=unshadow_user");
        }

        @Test
        @DisplayName("hvm.3.E5 + hvm.1.3: a page-table write during a re-queued interrupt unshadows; the interrupt "
                + "is then delivered")
        void e5() {
            expect(pageTableWrite(true).predict(TestGuest.write(0x600010, 0), TestGuest.pending(0x30, "ext_intr",
                    null)), OutcomeClass.DELIVERED, null, "vector=48", "handler=0xffffffff81003000",
                    "frame.rip=0x401000", "frame.cs=0x10", "frame.rsp=0x21000", "frame.ss=0x18",
                    "frame.base=0x20fd8");
        }

        @Test
        @DisplayName("hvm.3.E8: the emulator cannot handle the page-table write: unshadow")
        void e8() {
            expect(pageTableWrite(true).predict(TestGuest.write(0x600010, 0), TestGuest.EMULATOR_FAILS),
                    OutcomeClass.FIXED, "hvm.3.E8", "fixup=unshadow_unhandled");
        }

        /** The vCPU's own top-level table (the PML4, frame 1) mapped at 0x600000, a shadowed page table. */
        TestGuest topLevelWrite(boolean kernel) {
            TestGuest g = kernel ? data(P | RW | US | A | D).kernel() : data(P | RW | US | A | D);
            g.deliveryShadowed();
            g.map(0x600000, TestGuest.PML4 >>> 12, P | RW | US | A | D);
            g.pageTable(TestGuest.PML4 >>> 12);
            g.shadow(0x600000, TestGuest.PML4 | P | US | A | D);
            return g;
        }

        @Test
        @DisplayName("hvm.3.E2: a user write to the vCPU's own top-level table: sh_remove_shadows(all=1) cannot free "
                + "the in-use top-level shadow: domain_crash")
        void e2InUseTopLevel() {
            // ec P|W|U (the shadow entry is read-only), the walk allows the write, frame 1 is a page table: F17; E2
            // unshadows with must-succeed; frame 1 is CR3's table: its shadow stays, "can't find all shadows"
            expect(topLevelWrite(false).predict(TestGuest.write(0x600010, 0)), OutcomeClass.DOMAIN_CRASH,
                    "hvm.3.E2", "reason=sh_remove_shadows");
        }

        @Test
        @DisplayName("hvm.3.E8: the emulator fails on a kernel write to the in-use top-level table: domain_crash")
        void e8InUseTopLevel() {
            expect(topLevelWrite(true).predict(TestGuest.write(0x600010, 0), TestGuest.EMULATOR_FAILS),
                    OutcomeClass.DOMAIN_CRASH, "hvm.3.E8", "reason=sh_remove_shadows");
        }

        @Test
        @DisplayName("hvm.3.4 (xen-3.1): a user write to the in-use top-level table: domain_crash as well")
        void xen31InUseTopLevel() {
            expect(topLevelWrite(false).xen31().predict(TestGuest.write(0x600010, 0)), OutcomeClass.DOMAIN_CRASH,
                    "hvm.3.4", "reason=sh_remove_shadows");
        }

        @Test
        @DisplayName("hvm.3.E12: a misaligned kernel write to the in-use top-level table unshadows with 'may fail' "
                + "(sh_remove_shadows(.., 0, 0)): no crash, emulated")
        void misalignedInUseTopLevel() {
            // 0x600011 is not 8-byte aligned: sh_emulate_map_dest removes shadows without must-succeed; the write
            // (PML4 entries 2-3, unused) completes: emulated pt_write
            expect(topLevelWrite(true).predict(new GuestAccess(0x600011, AccessKind.WRITE, 8, 0L, null, false, false,
                    Insn.MOV, null)), OutcomeClass.EMULATED, "hvm.3.E12", "fixup=pt_write");
        }

        @Test
        @DisplayName("hvm.3.E7: the emulated write crosses into an unmapped page: the emulator's #PF is injected")
        void e7() {
            expect(pageTableWrite(true).predict(TestGuest.write(0x600ffc, 0)), OutcomeClass.INJECTED,
                    "hvm.3.E7", "error_code=W", "cr2=0x601000", "event.exitinfo2=0x600ffc");
        }

        @Test
        @DisplayName("hvm.3.F18: the first access to an mmio_dm frame takes the slow path and is emulated")
        void f18() {
            TestGuest g = new TestGuest();
            g.device("dev", "regs", 0x2000, Map.of(8, 0x55L));
            g.map(0x700000, 0x2000, P | RW | US | A | D);
            g.type(0x2000, "mmio_dm");
            expect(g.predict(TestGuest.read(0x700008)), OutcomeClass.EMULATED, "hvm.3.F18", "fixup=mmio",
                    "value=0x55");
        }

        @Test
        @DisplayName("hvm.3.F19: a write to a ram_ro frame is emulated and dropped")
        void f19() {
            TestGuest g = data(P | RW | US | A | D);
            g.type(DATA, "ram_ro");
            expect(g.predict(TestGuest.write(0x400000, 9)), OutcomeClass.EMULATED, "hvm.3.F19",
                    "fixup=ro_discard");
        }

        @Test
        @DisplayName("hvm.3.F20: guest CR0.WP=0, a supervisor write through a read-only PTE is emulated (ec W|P "
                + "after F6)")
        void f20() {
            TestGuest g = data(P | A | D).kernel();
            g.wp = false;
            expect(g.predict(TestGuest.write(0x400000, 9)), OutcomeClass.EMULATED, "hvm.3.F20",
                    "fixup=wp0_write");
        }

        @Test
        @DisplayName("hvm.3.F17 + hvm.3.E12 (hvm.7.17, XSA-477): a 16-byte movdqu store into a shadowed page table "
                + "is emulated")
        void f17SixteenBytes() {
            // ec W|P at CPL 0 (the shadow entry of 0x600000 is read-only), the walk allows it, 0x1034 is a page
            // table: emulate; 0x600010 is 16-byte aligned and inside one page: no unshadowing, OKAY
            GuestAccess w = new GuestAccess(0x600010, AccessKind.WRITE, 16, (DATA << 12) | P | RW | US | A | D, null,
                    false, false, Insn.MOVDQU, null);
            expect(pageTableWrite(true).predict(w), OutcomeClass.EMULATED, "hvm.3.F17", "fixup=pt_write");
            // the store writes the 64-bit value zero-extended: bytes 8..15 are 0
            assertThat(HvmRun.byteOf(0x1122_3344_5566_7788L, 0)).isEqualTo(0x88);
            assertThat(HvmRun.byteOf(0x1122_3344_5566_7788L, 7)).isEqualTo(0x11);
            assertThat(HvmRun.byteOf(0x1122_3344_5566_7788L, 8)).isZero();
            assertThat(HvmRun.byteOf(-1L, 15)).isZero();
        }

        @Test
        @DisplayName("a 16-byte read that completes is not modelled (the outcome's value holds 8 bytes)")
        void sixteenByteRead() {
            TestGuest g = data(P | RW | US | A | D);
            g.shadow(0x400000, (DATA << 12) | P | RW | US | A | D);
            Prediction p = g.predict(new GuestAccess(0x400000, AccessKind.READ, 16, null, null, false, false,
                    Insn.MOVDQU, null));
            assertThat(p.modelled()).isFalse();
            assertThat(p.reason()).contains("16-byte read");
        }

        @Test
        @DisplayName("hvm.3.F1: a W|P fault on the frame just emulated goes straight to the emulator")
        void f1() {
            TestGuest g = data(P | RW | US | A | D).kernel();
            g.map(0x600000, 0x1034, P | RW | US | A | D);
            g.shadow(0x600000, (0x1034L << 12) | P | US | A | D);
            g.xen.put("last_write_emul_ok", 1L);
            g.xen.put("last_emulated_frame", 0x600L);
            g.xen.put("last_emulated_mfn", 0x1034L);
            // not a page table any more: the slow path would fix it (F21); the fast path emulates
            expect(g.predict(TestGuest.write(0x600010, 0)), OutcomeClass.EMULATED, "hvm.3.F1", "fixup=pt_write");
        }
    }

    @Nested
    @DisplayName("re-queue, combination, triple fault (hvm.1.3, hvm.2.3, hvm.4)")
    class Events {

        @Test
        @DisplayName("hvm.4: a #PF raised while a #PF is delivered becomes #DF(0); CR2 written before combining")
        void doubleFault() {
            TestGuest g = new TestGuest().deliveryShadowed();
            expect(g.predict(TestGuest.write(0x500000, 1), TestGuest.pending(14, "hw_exc", 2)),
                    OutcomeClass.DOUBLE_FAULT, "hvm.4", "vector=8", "error_code=0x0", "cr2=0x500000",
                    "event.eventinj=0x80000b08", "event.exit_int_info=0x280000b0e", "event.cr2=0x500000",
                    "delivery.vector=8", "delivery.handler=0xffffffff81000800", "delivery.frame.error_code=0x0",
                    "delivery.frame.base=0x20fd0");
        }

        @Test
        @DisplayName("hvm.4: a fault while #DF is delivered: hvm_triple_fault with HVM_PARAM_TRIPLE_FAULT_REASON")
        void tripleFault() {
            TestGuest g = new TestGuest().deliveryShadowed();
            g.params.put("triple_fault_reason", 3L);
            expect(g.predict(TestGuest.write(0x500000, 1), TestGuest.pending(8, "hw_exc", 0)),
                    OutcomeClass.TRIPLE_FAULT, "hvm.4", "shutdown=crash", "cause=fault while delivering #DF");
        }

        @Test
        @DisplayName("hvm.1.3 step 6: an interrupted external interrupt is re-queued and delivered after the fix")
        void requeueInterrupt() {
            TestGuest g = data(P | RW | US | A | D).deliveryShadowed();
            expect(g.predict(TestGuest.read(0x400000), TestGuest.pending(0x30, "ext_intr", null)),
                    OutcomeClass.DELIVERED, null, "vector=48", "handler=0xffffffff81003000", "frame.base=0x20fd8");
        }

        @Test
        @DisplayName("hvm.1.3 step 6: an interrupted #BP (hardware type 3, vector 3) is not re-injected")
        void noRequeueOfBreakpoint() {
            expect(data(P | RW | US | A | D).predict(TestGuest.read(0x400000), TestGuest.pending(3, "hw_exc",
                    null)), OutcomeClass.FIXED, "hvm.3.F21", "fixup=shadow_fixup");
        }

        @Test
        @DisplayName("1.1g: #PF and #DF gates not present: #PF→#NP is #DF, #DF→#NP a triple fault exit")
        void processorTripleFault() {
            TestGuest g = new TestGuest().deliveryShadowed();
            g.word(TestGuest.IDT + 16L * 14 + 0, 0);
            g.word(TestGuest.IDT + 16L * 8 + 0, 0);
            expect(g.predict(TestGuest.write(0x500000, 1)), OutcomeClass.TRIPLE_FAULT, null, "shutdown=reboot",
                    "cause=shutdown_exit");
        }

        @Test
        @DisplayName("hvm.end: a stopped domain reports how it ended")
        void dead() {
            TestGuest g = new TestGuest();
            HvmDomainView v = g.view();
            HvmDomainView dead = new HvmDomainView(v.domain(), v.machine(), false, v.kind(), v.paging(),
                    new HvmDomainView.End(OutcomeClass.TRIPLE_FAULT, new java.util.LinkedHashMap<>(Map.of("shutdown",
                            "reboot"))), v.params(), v.host(), v.p2m(), v.dirtyGfns(), v.memory(), v.shadows(), v.pageTables(),
                    v.devices(), v.vcpus());
            expect(new HvmOracle().predict(dead, TestGuest.step(TestGuest.read(0x400000))), OutcomeClass.TRIPLE_FAULT,
                    "hvm.end", "shutdown=reboot");
        }
    }

    @Nested
    @DisplayName("Xen 3.1 (hvm.3.4, hvm.1.5, hvm.2.5)")
    class Xen31 {

        @Test
        @DisplayName("hvm.3.4: a bail injects the unmodified hardware error code (W|U, no P)")
        void hardwareErrorCode() {
            TestGuest g = data(P | US | A | D).xen31().deliveryShadowed();
            expect(g.predict(TestGuest.write(0x400000, 1)), OutcomeClass.INJECTED, "hvm.3.4", "error_code=W|U");
        }

        @Test
        @DisplayName("hvm.3.4: no CR0.WP=0 emulation: a supervisor write to a read-only page bails with W")
        void noWp0() {
            TestGuest g = data(P | A | D).xen31().kernel().deliveryShadowed();
            g.wp = false;
            expect(g.predict(TestGuest.write(0x400000, 1)), OutcomeClass.INJECTED, "hvm.3.4", "error_code=W");
        }

        @Test
        @DisplayName("hvm.2.5 / 3.1.0-branched: a triple-fault exit calls hvm_triple_fault: SHUTDOWN_reboot")
        void tripleFaultReboots() {
            TestGuest g = new TestGuest().xen31().deliveryShadowed();
            g.word(TestGuest.IDT + 16L * 14, 0);
            g.word(TestGuest.IDT + 16L * 8, 0);
            expect(g.predict(TestGuest.write(0x500000, 1)), OutcomeClass.TRIPLE_FAULT, null, "shutdown=reboot");
        }

        @Test
        @DisplayName("hvm.3.4: the 3.1 walker checks no SMAP: a supervisor read of a user page that the hardware "
                + "refuses (SMAP) is fixed again and again (a livelock reported as its first fix)")
        void smapNotCheckedByXen31() {
            // hardware: shadow entry present with U, CPL 0 data access, CR4.SMAP, AC=0 ⇒ #PF ec P; 3.1
            // sh_page_fault: the walk reaches the leaf, no bail applies (ec.U=0, no write, no fetch), the gfn is
            // RAM ⇒ propagate and return 1; the retry faults the same way until the step's exit limit
            TestGuest g = data(P | RW | US | A | D).xen31().kernel();
            g.smap = true;
            g.shadow(0x400000, (DATA << 12) | P | RW | US | A | D);
            expect(g.predict(TestGuest.read(0x400000)), OutcomeClass.FIXED, "hvm.3.4", "fixup=shadow_fixup");
            // the same state in xen-4.22: the walk applies SMAP (§3.2) and F7 injects its error code (P)
            TestGuest m = data(P | RW | US | A | D).kernel().deliveryShadowed();
            m.smap = true;
            m.shadow(0x400000, (DATA << 12) | P | RW | US | A | D);
            expect(m.predict(TestGuest.read(0x400000)), OutcomeClass.INJECTED, "hvm.3.F7", "vector=14",
                    "error_code=P", "cr2=0x400000");
        }

        @Test
        @DisplayName("hvm.3.4: a 3.1 bail under SMAP injects the hardware error code (P|W), SMAP plays no part")
        void smapWriteBailXen31() {
            // hardware: a supervisor write through a read-only user shadow entry ⇒ ec W|P; 3.1: write to a non-RW
            // mapping ⇒ bail with the unmodified hardware error code
            TestGuest g = data(P | US | A | D).xen31().kernel().deliveryShadowed();
            g.smap = true;
            g.shadow(0x400000, (DATA << 12) | P | US | A | D);
            expect(g.predict(TestGuest.write(0x400000, 1)), OutcomeClass.INJECTED, "hvm.3.4", "vector=14",
                    "error_code=P|W", "cr2=0x400000");
        }

        @Test
        @DisplayName("hvm.1.5: no combination in 3.1: a #PF over a pending #PF replaces it")
        void noCombination() {
            TestGuest g = new TestGuest().vmx().xen31().deliveryShadowed();
            expect(g.predict(TestGuest.write(0x500000, 1), TestGuest.pending(14, "hw_exc", 2)),
                    OutcomeClass.INJECTED, "hvm.3.4", "vector=14", "error_code=W|U");
        }
    }

    @Nested
    @DisplayName("HAP nested page faults (hvm.5.2)")
    class Hap {

        TestGuest hap(String type) {
            TestGuest g = data(P | RW | US | A | D).hap();
            g.type(DATA, type);
            return g;
        }

        @Test
        @DisplayName("hvm.5.2.9: a write to ram_logdirty is logged and the type becomes ram_rw")
        void logdirty() {
            expect(hap("ram_logdirty").predict(TestGuest.write(0x400000, 7)), OutcomeClass.FIXED, "hvm.5.2.9",
                    "fixup=hap_logdirty");
        }

        @Test
        @DisplayName("hvm.5.2.3: populate-on-demand is populated by the lookup")
        void pod() {
            expect(hap("populate_on_demand").predict(TestGuest.read(0x400000)), OutcomeClass.FIXED, null,
                    "fixup=hap_pod");
        }

        @Test
        @DisplayName("hvm.5.2.7: a paged-out frame is paged in")
        void paged() {
            expect(hap("ram_paged").predict(TestGuest.read(0x400000)), OutcomeClass.FIXED, "hvm.5.2.7",
                    "fixup=hap_paging");
        }

        @Test
        @DisplayName("hvm.5.2.3: a write to a shared frame unshares it")
        void unshare() {
            expect(hap("ram_shared").predict(TestGuest.write(0x400000, 3)), OutcomeClass.FIXED, null,
                    "fixup=hap_unshare");
        }

        @Test
        @DisplayName("hvm.5.2.8: unsharing finds no memory and no helper ring: the domain is crashed")
        void sharingEnomem() {
            TestGuest g = hap("ram_shared");
            g.host.put("unshare_fails", 1L);
            expect(g.predict(TestGuest.write(0x400000, 3)), OutcomeClass.DOMAIN_CRASH, "hvm.5.2.8",
                    "reason=hap_sharing_enomem");
        }

        @Test
        @DisplayName("hvm.5.2.8: with a mem-sharing ring the vCPU waits for the helper")
        void sharingEnomemRing() {
            TestGuest g = hap("ram_shared");
            g.host.put("unshare_fails", 1L);
            g.params.put("mem_sharing_ring", 1L);
            expect(g.predict(TestGuest.write(0x400000, 3)), OutcomeClass.FIXED, "hvm.5.2.8",
                    "fixup=hap_sharing_enomem");
        }

        @Test
        @DisplayName("hvm.5.2.10: no class applies (p2m invalid): domain_crash")
        void invalid() {
            expect(hap("invalid").predict(TestGuest.read(0x400000)), OutcomeClass.DOMAIN_CRASH, "hvm.5.2.10",
                    "reason=npf_unhandled");
        }

        @Test
        @DisplayName("hvm.5.2.6: a write to ram_ro is emulated and dropped")
        void discardWrite() {
            expect(hap("ram_ro").predict(TestGuest.write(0x400000, 9)), OutcomeClass.EMULATED, "hvm.5.2.6",
                    "fixup=hap_discard_write");
        }

        @Test
        @DisplayName("hvm.5.2.6 (S10): a write crossing from a ram_ro frame into an unmapped page is dropped whole: "
                + "hvmemul_map_linear_addr stops at the discard-write frame, the next page is never translated")
        void discardWriteCrossing() {
            // 0x400ffc..0x401003: the hardware's first page is ram_ro: nested fault (write) → class 6; the write is
            // not inside the known GLA's page, so hvmemul_write maps it: frame 1 is discard-write → OKAY; 0x401000
            // (not mapped by the guest) is never walked, so no #PF
            expect(hap("ram_ro").predict(TestGuest.access(0x400ffc, AccessKind.WRITE, 8, 9L, null)),
                    OutcomeClass.EMULATED, "hvm.5.2.6", "fixup=hap_discard_write");
        }

        @Test
        @DisplayName("hvm.5.2.6: an mmio_dm frame is emulated against its device")
        void mmio() {
            TestGuest g = new TestGuest().hap();
            g.device("ctr", "counter", 0x2000, Map.of(0, 5L));
            g.map(0x700000, 0x2000, P | RW | US | A | D);
            g.type(0x2000, "mmio_dm");
            expect(g.predict(TestGuest.read(0x700000)), OutcomeClass.EMULATED, "hvm.5.2.6", "fixup=mmio",
                    "value=0x5");
        }

        @Test
        @DisplayName("hvm.5.2.2: the LAPIC page is emulated by Xen before any p2m lookup")
        void internalMmio() {
            TestGuest g = new TestGuest().vmx().hap();
            g.map(0x700000, 0xfee00, P | RW | US | A | D);
            g.device("lapic", "lapic", 0xfee00, Map.of(0x30, 0x50014L));
            expect(g.predict(TestGuest.read(0x700030)), OutcomeClass.EMULATED, "hvm.5.2.2", "value=0x50014");
        }

        @Test
        @DisplayName("hvm.5.2 / 1.1g: under HAP a guest #PF is delivered by the processor, no exit")
        void guestFault() {
            expect(new TestGuest().hap().predict(TestGuest.write(0x500000, 1)), OutcomeClass.DELIVERED, null,
                    "vector=14", "error_code=W|U", "cr2=0x500000", "handler=0xffffffff81000e00",
                    "frame.base=0x20fd0");
        }

        @Test
        @DisplayName("1.1g: under HAP a #PF while delivering a #PF is combined by the processor into #DF")
        void processorDoubleFault() {
            TestGuest g = new TestGuest().hap();
            g.word(g.map(TestGuest.STACK, TestGuest.STACK >>> 12, P | RW | A | D), 0);   // the stack unmapped
            g.ist.add(0x31000L);
            g.gate(8, HANDLER_DF, 1);
            g.map(0x30000, 0x30, P | RW | A | D);
            expect(g.predict(TestGuest.write(0x500000, 1)), OutcomeClass.DOUBLE_FAULT, "1.1g", "vector=8",
                    "cr2=0x20ff8", "delivery.vector=8", "delivery.frame.base=0x30fd0");
        }
    }

    @Test
    @DisplayName("fast enough to run after every step of a property run (prints µs per prediction)")
    void fast() {
        HvmDomainView fixed = data(P | RW | US | A | D).view();
        HvmDomainView injected = new TestGuest().deliveryShadowed().view();
        HvmDomainView hap = new TestGuest().hap().view();
        HvmOracle o = new HvmOracle();
        int n = 2000;
        long t0 = 0;
        for (int i = 0; i < 2 * n; i++) {
            if (i == n) {
                t0 = System.nanoTime();   // the first half warms up the JIT
            }
            o.predict(fixed, TestGuest.step(TestGuest.read(0x400000)));
            o.predict(injected, TestGuest.step(TestGuest.write(0x500000, 1)));
            o.predict(hap, TestGuest.step(TestGuest.write(0x500000, 1)));
        }
        double us = (System.nanoTime() - t0) / 1000.0 / (3 * n);
        System.out.printf("HVM oracle: %.1f us per prediction%n", us);
        assertThat(us).isLessThan(5000);
    }

    @Test
    @DisplayName("hvm.cr_write: a write entering PAE paging (a PDPTE load) completes under shadow paging (Xen's "
            + "sh_update_cr3 copies the gl3e without a check); under HAP the processor's own load is not modelled")
    void paePdpteLoadUnderShadow() {
        xpf.model.scenario.ControlWrite toPae = new xpf.model.scenario.ControlWrite(TestGuest.PML4,
                java.util.Set.of(), java.util.Set.of(), xpf.model.x86.PagingMode.PAE, null);
        expect(new TestGuest().predict(toPae), OutcomeClass.OK, "hvm.cr_write");
        assertThat(new TestGuest().hap().predict(toPae).modelled()).isFalse();
    }

    @Test
    @DisplayName("the oracle is deterministic and leaves the view untouched")
    void deterministic() {
        TestGuest g = new TestGuest().deliveryShadowed();
        HvmDomainView v = g.view();
        Prediction a = new HvmOracle().predict(v, TestGuest.step(TestGuest.write(0x500000, 1)));
        Prediction b = new HvmOracle().predict(v, TestGuest.step(TestGuest.write(0x500000, 1)));
        assertThat(a).isEqualTo(b);
        assertThat(v).isEqualTo(g.view());
        assertThat(HANDLER_PF).isNotZero();
        assertThat(HANDLER_INTR).isNotZero();
        assertThat(AccessKind.READ).isNotNull();
    }
}
