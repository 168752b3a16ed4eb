package xpf.conformance.reference.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.conformance.reference.xen.PvWorld.L1;
import static xpf.conformance.reference.xen.PvWorld.STACK;
import static xpf.conformance.reference.xen.PvWorld.call;
import static xpf.conformance.reference.xen.PvWorld.expect;
import static xpf.conformance.reference.xen.PvWorld.pte;
import static xpf.conformance.reference.xen.PvWorld.read;
import static xpf.conformance.reference.xen.PvWorld.write;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.HypercallOp;
import xpf.model.scenario.Knobs;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.TrapInfoSpec;
import xpf.model.scenario.XenProfile;
import xpf.model.xen.PvDomainView.HandlerFrame;

/**
 * §5: pv_inject_event and the bounce-frame layout tables (64-bit §5.4, compat §5.5), the event upcall on top (§5.3),
 * the crash rows (§5.6 no handler, §5.4.2 bad stack, §5.7 store faults) and HYPERVISOR_iret (§5.4 guest convention),
 * with every slot computed by hand.
 */
class PvDeliveryRowsTest {

    static final XenProfile NOW = XenProfile.XEN_4_22;
    static final XenProfile OLD = XenProfile.XEN_3_1;
    static final Knobs EVENTS = new Knobs(false, null, false, true);

    @Test
    @DisplayName("pv.5.4: the 64-bit frame from kernel mode: base = RSP & ~15, CS RPL cleared, IF = !mask")
    void frame64Kernel() {
        PvWorld w = PvWorld.pv64(NOW);
        w.rsp = 0x6808;
        w.rflags = 0x246;
        PvPrediction p = w.predict(read(0x9000));
        expect(p, OutcomeClass.DELIVERED, "pv.2.5", "vector", "14", "error_code", "0", "cr2", "0x9000", "handler",
                "0xffffffff81000000", "frame.rcx", "0x0", "frame.r11", "0x0", "frame.error_code", "0x0",
                "frame.rip", "0xffffffff80001234", "frame.cs", "0xe030", "frame.rflags", "0x246", "frame.rsp",
                "0x6808", "frame.ss", "0xe02b", "frame.base", "0x6800");
        assertThat(p.prediction().fields()).hasSize(13);
        assertThat(p.effects()).containsEntry("vcpu.ctrlreg2", "0x9000");
    }

    @Test
    @DisplayName("pv.5.4: from user mode the frame goes to kernel_sp after toggle_guest_mode; user CS kept")
    void frame64User() {
        expect(PvWorld.pv64(NOW).user().predict(read(0x9000)), OutcomeClass.DELIVERED, "pv.2.5", "error_code", "U",
                "frame.error_code", "0x4", "frame.rip", "0x400123", "frame.cs", "0xe033", "frame.rsp", "0x7ffff000",
                "frame.ss", "0xe02b", "frame.base", "0x7000");
    }

    @Test
    @DisplayName("pv.5.4: the old upcall mask goes to CS bits 32-39; with it set, the saved IF is 0")
    void upcallMaskInFrame() {
        PvWorld w = PvWorld.pv64(NOW);
        w.upcallMask = 1;
        w.rflags = 0x246;
        expect(w.predict(read(0x9000)), OutcomeClass.DELIVERED, "pv.2.5", "frame.cs", "0x10000e030",
                "frame.rflags", "0x46");
    }

    @Test
    @DisplayName("pv.8.7: the saved RFLAGS carries the virtual IOPL with architectural_iopl (today), the live one in 3.1")
    void ioplInFrame() {
        PvWorld w = PvWorld.pv64(NOW);
        w.assist.add("architectural_iopl");
        w.iopl = 0x1000;
        w.rflags = 0x3202;
        expect(w.predict(read(0x9000)), OutcomeClass.DELIVERED, "pv.2.5", "frame.rflags", "0x1202");
        PvWorld old = PvWorld.pv64(OLD);
        old.rflags = 0x3202;
        expect(old.predict(read(0x9000)), OutcomeClass.DELIVERED, "pv.2.5", "frame.rflags", "0x3202");
    }

    @Test
    @DisplayName("pv.5.3: an unmasked pending event bounces to the event callback on top of the #PF frame")
    void upcallOnTop() {
        PvWorld w = PvWorld.pv64(NOW);
        w.eventCallback = 0xffffffff81000800L;
        expect(w.predict(read(0x9000), EVENTS), OutcomeClass.DELIVERED, "pv.5.3", "frame.base", "0x6800",
                "frame.upcall_handler", "0xffffffff81000800", "frame.upcall_base", "0x67c0", "frame.upcall_rip",
                "0xffffffff81000000");
    }

    @Test
    @DisplayName("pv.5.2.5: a trap entry with flags bit 2 masks events: no upcall on top")
    void trapMasksEvents() {
        PvWorld w = PvWorld.pv64(NOW);
        w.traps.set(1, new TrapInfoSpec(14, 4, 0xe033, PvWorld.PF_HANDLER));
        w.eventCallback = 0xffffffff81000800L;
        PvPrediction p = w.predict(read(0x9000), EVENTS);
        expect(p, OutcomeClass.DELIVERED, "pv.2.5");
        assertThat(p.prediction().fields()).doesNotContainKey("frame.upcall_handler");
    }

    @Test
    @DisplayName("pv.5.3: an unmasked pending event with no callback crashes the domain (after a #PF frame)")
    void noEventCallback() {
        expect(PvWorld.pv64(NOW).predict(read(0x9000), EVENTS), OutcomeClass.DOMAIN_CRASH, "pv.5.6", "reason",
                "no_event_callback");
    }

    @Test
    @DisplayName("pv.5.3: an event pending on return from a hypercall, no callback: crash")
    void eventAfterHypercall() {
        expect(PvWorld.pv64(NOW).predict(call(new HypercallOp.VmAssist(0, 2)), EVENTS), OutcomeClass.DOMAIN_CRASH,
                "pv.5.3", "reason", "no_event_callback");
    }

    @Test
    @DisplayName("pv.5.6: no #PF handler: the frame is written, then tb.eip == 0 crashes the domain")
    void noPfHandler() {
        PvWorld w = PvWorld.pv64(NOW);
        w.traps.remove(1);
        expect(w.predict(read(0x9000)), OutcomeClass.DOMAIN_CRASH, "pv.5.6", "reason", "no_pf_handler");
    }

    @Test
    @DisplayName("pv.5.7: a frame store that faults (stack unmapped) crashes the domain before the handler check")
    void storeFaults() {
        PvWorld w = PvWorld.pv64(NOW);
        w.traps.remove(1);
        w.rsp = 0x9000;
        expect(w.predict(read(0xa000)), OutcomeClass.DOMAIN_CRASH, "pv.5.7", "reason", "bounce_frame_fault");
    }

    @Test
    @DisplayName("pv.5.7: Xen's own store to a read-only page-table mapping is not ptwr: crash")
    void storeToReadOnlyTable() {
        PvWorld w = PvWorld.pv64(NOW);
        w.rsp = 0x3800;
        expect(w.predict(read(0x9000)), OutcomeClass.DOMAIN_CRASH, "pv.5.7", "reason", "bounce_frame_fault");
    }

    @Test
    @DisplayName("pv.2.6: a stale read-only TLB entry for the stack: Xen's store faults, the re-walk allows it: "
            + "spurious, retried, delivered")
    void spuriousXenFault() {
        PvWorld w = PvWorld.pv64(NOW);
        w.tlb.add(new xpf.model.x86.TlbEntryView(0x6000, 0x1000, STACK << 12, true, false, false, 0, false, false));
        expect(w.predict(read(0x9000)), OutcomeClass.DELIVERED, "pv.2.5", "frame.base", "0x6800");
    }

    @Test
    @DisplayName("pv.5.4.2: a bounce base inside Xen's range crashes the domain (bad_stack)")
    void badStack() {
        PvWorld w = PvWorld.pv64(NOW).user();
        w.kernelSp = 0xffff800000100000L;
        expect(w.predict(read(0x9000)), OutcomeClass.DOMAIN_CRASH, "pv.5.4", "reason", "bad_stack");
    }

    @Test
    @DisplayName("pv.8.7: base = HYPERVISOR_VIRT_START: bad stack in 3.1; today the first store (non-canonical) "
            + "faults: bounce_frame_fault")
    void badStackBoundary() {
        PvWorld w = PvWorld.pv64(NOW).user();
        w.kernelSp = 0xffff800000000000L;
        expect(w.predict(read(0x9000)), OutcomeClass.DOMAIN_CRASH, "pv.5.7", "reason", "bounce_frame_fault");
        PvWorld old = PvWorld.pv64(OLD).user();
        old.kernelSp = 0xffff800000000000L;
        expect(old.predict(read(0x9000)), OutcomeClass.DOMAIN_CRASH, "pv.8.7", "reason", "bad_stack");
    }

    @Test
    @DisplayName("pv.5.5: the compat frame from the ring-1 kernel: current ESP, no alignment, no SS/ESP")
    void frame32Kernel() {
        PvPrediction p = PvWorld.pv32(NOW).predict(write(0x5000, 4, 1, xpf.model.scenario.Insn.MOV, null));
        expect(p, OutcomeClass.DELIVERED, "pv.2.5", "error_code", "P|W", "cr2", "0x5000", "handler", "0xc0100000",
                "frame.error_code", "0x3", "frame.eip", "0xc0001234", "frame.cs", "0xe019", "frame.eflags", "0x202",
                "frame.base", "0x6806");
        assertThat(p.prediction().fields()).doesNotContainKeys("frame.esp", "frame.ss", "frame.rcx");
    }

    @Test
    @DisplayName("pv.5.5: the compat frame from ring 3: kernel_sp, SS and ESP pushed")
    void frame32User() {
        expect(PvWorld.pv32(NOW).user().predict(read(0x9000)), OutcomeClass.DELIVERED, "pv.2.5", "error_code", "U",
                "frame.error_code", "0x4", "frame.eip", "0x8048000", "frame.cs", "0xe02b", "frame.eflags", "0x202",
                "frame.esp", "0xbfff0000", "frame.ss", "0xe033", "frame.base", "0x7000");
    }

    @Test
    @DisplayName("pv.5.6: compat: a null handler selector crashes the domain")
    void frame32NullCs() {
        PvWorld w = PvWorld.pv32(NOW);
        w.traps.remove(1);
        expect(w.predict(read(0x9000)), OutcomeClass.DOMAIN_CRASH, "pv.5.6", "reason", "no_pf_handler");
    }

    // ------------------------------------------------------------------------- HYPERVISOR_iret

    static PvWorld iretFrameAt(PvWorld w, long rsp, long cs) {
        w.rsp = rsp;
        long[] words = {0, 0, 0, 0, 0x400000, cs, 0x202, 0x7ff000, 0xe02b};
        for (int i = 0; i < words.length; i++) {
            w.set(rsp + 8L * i + ((STACK << 12) - 0x6000), words[i]);
        }
        return w;
    }

    @Test
    @DisplayName("pv.5.4: iret to user mode with no user page tables: crash")
    void iretNoUserPt() {
        PvWorld w = iretFrameAt(PvWorld.pv64(NOW), 0x6800, 0xe033);
        expect(w.predict(call(new HypercallOp.Iret())), OutcomeClass.DOMAIN_CRASH, "pv.5.4", "reason",
                "iret_no_user_pt");
        w.guestTableUser = PvWorld.L4;
        expect(w.predict(call(new HypercallOp.Iret())), OutcomeClass.HYPERCALL, "pv.5.4", "hypercall", "iret", "rc",
                "0");
    }

    @Test
    @DisplayName("pv.5.4: iret with RSP at unmapped memory: the frame cannot be read: crash")
    void iretUnreadable() {
        PvWorld w = PvWorld.pv64(NOW);
        w.rsp = 0x9000;
        expect(w.predict(call(new HypercallOp.Iret())), OutcomeClass.DOMAIN_CRASH, "pv.5.4", "reason",
                "iret_frame_unreadable");
    }

    @Test
    @DisplayName("pv.5.4: the guest convention: the handler pops RCX, R11 and the error code of Xen's frame and "
            + "returns with its RIP..SS")
    void iretFromHandler() {
        PvWorld w = PvWorld.pv64(NOW);
        long base = (STACK << 12) - 0x6000;
        w.rsp = 0x67c0;
        w.handlerFrames.add(new HandlerFrame(0x67c0, true, 0, 0));
        w.set(base + 0x67d8, 0x400123).set(base + 0x67e0, 0xe033).set(base + 0x67e8, 0x202)
                .set(base + 0x67f0, 0x7ffff000L).set(base + 0x67f8, 0xe02b);
        w.guestTableUser = PvWorld.L4;
        expect(w.predict(call(new HypercallOp.Iret())), OutcomeClass.HYPERCALL, "pv.5.4", "rc", "0");
    }

    @Test
    @DisplayName("pv.5.4: the handler's own store of the iret frame can fault: that #PF, from RSP = the new frame")
    void iretStoreFaults() {
        PvWorld w = PvWorld.pv64(NOW);
        w.rsp = 0x7000;   // the frame's words at 0x7018.. are unmapped, and so is the store at 0x6ff8+
        w.set(pte(L1, 6), 0);
        w.handlerFrames.add(new HandlerFrame(0x7000, true, 0x11, 0x22));
        w.rsp = 0x7000;
        PvPrediction p = w.predict(call(new HypercallOp.Iret()));
        expect(p, OutcomeClass.DOMAIN_CRASH, "pv.5.7", "reason", "bounce_frame_fault");
    }

    @Test
    @DisplayName("pv.5.4: compat iret to ring 0 crashes the domain")
    void iretToRing0() {
        PvWorld w = PvWorld.pv32(NOW);
        long base = (STACK << 12) - 0x6000;
        w.rsp = 0x6800;
        // 4-byte words: EAX=0 @0x6800, EIP=0xc0001000 @0x6804, CS=0xe018 (RPL 0) @0x6808, EFLAGS=0x202 @0x680c
        w.set(base + 0x6800, 0xc0001000L << 32).set(base + 0x6808, 0xe018L | (0x202L << 32));
        expect(w.predict(call(new HypercallOp.Iret())), OutcomeClass.DOMAIN_CRASH, "pv.5.4", "reason",
                "iret_to_ring0");
    }
}
