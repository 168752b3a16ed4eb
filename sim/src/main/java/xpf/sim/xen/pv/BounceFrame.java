package xpf.sim.xen.pv;

import java.util.LinkedHashMap;
import java.util.SequencedMap;
import xpf.model.x86.Vectors;
import xpf.sim.trace.Trace;
import xpf.sim.xen.XenFunction;

/**
 * The way back to a PV guest (xen-pv-fault-path.md §5.3-§5.7; xen/arch/x86/x86_64/entry.S and compat/entry.S):
 * {@code test_all_events} delivers a pending exception, then an event upcall if one is pending and unmasked;
 * {@code create_bounce_frame} writes the exception frame on the guest kernel stack and points the guest at its
 * handler. Every store is a Xen access to guest memory with an exception-table entry: a fault there crashes the
 * domain; so do a stack in Xen's range and a missing handler.
 */
final class BounceFrame {

    /** One delivery: vector, error code (null if none), CR2 (#PF only), handler address and the frame's slots. */
    record Delivery(int vector, Integer errorCode, Long cr2, long handler, SequencedMap<String, Long> frame) {
    }

    /** What {@code test_all_events} delivered: the exception (null if none) and the event upcall (null if none). */
    record Exit(Delivery exception, Delivery upcall) {
    }

    static final long EFLAGS_IF = 0x200;
    static final long EFLAGS_IOPL = 0x3000;
    static final long EFLAGS_TF = 0x100;
    static final long EFLAGS_NT = 0x4000;
    static final long EFLAGS_RF = 0x10000;
    static final long EFLAGS_VM = 0x20000;
    static final long EFLAGS_AC = 0x40000;

    private final PvDomain d;

    BounceFrame(PvDomain d) {
        this.d = d;
    }

    private Trace t() {
        return d.trace();
    }

    /**
     * {@code test_all_events} (§5.3): (1) softirqs (none modelled); (2) a pending exception bounce; (3)/(4) MCE and
     * NMI (not modelled); (5) an event upcall if {@code evtchn_upcall_pending} and not {@code evtchn_upcall_mask};
     * then {@code restore_all_guest}. In 3.1 the exception bounce was built by {@code handle_exception} before
     * jumping here; the order of what the guest sees is the same.
     */
    @XenFunction(symbol = "test_all_events", file = "xen/arch/x86/x86_64/entry.S", version = "3.1, 4.22")
    Exit testAllEvents(PvVcpu v) {
        Delivery exception = null;
        Delivery upcall = null;
        if (v.trapBounce.pending() && !d.profile().bounceSite().equals("test_all_events")) {
            exception = bounce(v, d.profile().bounceSite());
        }
        t().call("test_all_events", "trap_bounce", v.trapBounce.pending() ? "pending" : "none", "upcall_pending",
                v.upcallPending, "upcall_mask", v.upcallMask);
        for (int round = 0; round < 4; round++) {
            if (v.trapBounce.pending()) {
                exception = bounce(v, "test_all_events");
                continue;
            }
            if (v.upcallPending != 0 && v.upcallMask == 0) {
                v.trapBounce = new TrapBounce(0, TrapBounce.TBF_INTERRUPT, d.kernelCs(), d.eventCallback(), -1);
                t().call("process_guest_events", "callback", d.eventCallback());
                SequencedMap<String, Long> f = create(v, "upcall");
                upcall = new Delivery(-1, null, null, d.eventCallback(), f);
                continue;
            }
            break;
        }
        t().resume("restore_all_guest", "rip", v.rip, "cs", "0x" + Integer.toHexString(v.cs), "rsp", v.rsp,
                "kernel_mode", d.pv32() ? (v.cs & 3) == 1 : v.kernelMode);
        return new Exit(exception, upcall);
    }

    private Delivery bounce(PvVcpu v, String site) {
        TrapBounce tb = v.trapBounce;
        Long cr2 = tb.vector() == Vectors.PF ? v.ctrlreg2 : null;
        SequencedMap<String, Long> f = create(v, site);
        return new Delivery(tb.vector(), tb.hasErrorCode() ? tb.errorCode() : null, cr2, tb.eip(), f);
    }

    private SequencedMap<String, Long> create(PvVcpu v, String site) {
        return d.pv32() ? compatCreateBounceFrame(v, site) : createBounceFrame(v, site);
    }

    private String noHandlerReason(TrapBounce tb) {
        return switch (tb.vector()) {
            case Vectors.PF -> "no_pf_handler";
            case Vectors.GP -> "no_gp_handler";
            case -1 -> "no_event_callback";
            default -> "no_handler";
        };
    }

    /**
     * {@code create_bounce_frame} (64-bit, §5.4): from user mode toggle to the kernel (its L4) and push at
     * {@code kernel_sp}, from kernel mode push at the interrupted RSP with the saved CS's RPL cleared; 16-byte
     * alignment; a base in Xen's range crashes the domain; stores SS, RSP, CS|old mask&lt;&lt;32, RFLAGS (IF = !old
     * mask), RIP, [error code], R11, RCX; then the guest resumes at the handler on FLAT_KERNEL_CS/SS, and the trap
     * bounce is cleared (XSA-339). A handler address of 0 crashes the domain after the frame is written.
     */
    @XenFunction(symbol = "create_bounce_frame", file = "xen/arch/x86/x86_64/entry.S", version = "3.1, 4.22")
    SequencedMap<String, Long> createBounceFrame(PvVcpu v, String site) {
        TrapBounce tb = v.trapBounce;
        long base;
        int savedCs = v.cs;
        boolean fromUser = !v.kernelMode;
        if (fromUser) {
            toggleGuestMode(v);
            base = v.kernelSp;
        } else {
            base = v.rsp;
            savedCs &= ~3;
        }
        base &= ~15L;
        t().call("create_bounce_frame", "from", site, "mode", fromUser ? "user" : "kernel", "base", base,
                "vector", tb.vector());
        if (d.profile().bounceStackInXenRange(base)) {
            throw crash("bad_stack", "bounce frame base 0x" + Long.toHexString(base) + " is in Xen's range");
        }
        int oldMask = v.upcallMask;
        if (tb.masksEvents()) {
            v.upcallMask |= 1;
        }
        long rflags = (v.rflags & ~(EFLAGS_IF | EFLAGS_IOPL)) | (oldMask == 0 ? EFLAGS_IF : 0)
                | (d.vmAssist(PvDomain.VMASST_ARCHITECTURAL_IOPL) ? ((long) v.iopl << 12) & EFLAGS_IOPL : 0);
        long cs = (savedCs & 0xFFFFL) | ((long) oldMask << 32);
        SequencedMap<String, Long> f = new LinkedHashMap<>();
        long sp = base - 56;
        if (tb.hasErrorCode()) {
            sp -= 8;
        }
        store(v, base - 8, v.ss, 8);
        store(v, base - 16, v.rsp, 8);
        store(v, base - 32, cs, 8);
        store(v, base - 24, rflags, 8);
        store(v, base - 40, v.rip, 8);
        if (tb.hasErrorCode()) {
            store(v, base - 48, Integer.toUnsignedLong(tb.errorCode()), 8);
        }
        store(v, sp + 8, v.r11, 8);
        store(v, sp, v.rcx, 8);
        f.put("rcx", v.rcx);
        f.put("r11", v.r11);
        if (tb.hasErrorCode()) {
            f.put("error_code", Integer.toUnsignedLong(tb.errorCode()));
        }
        f.put("rip", v.rip);
        f.put("cs", cs);
        f.put("rflags", rflags);
        f.put("rsp", v.rsp);
        f.put("ss", (long) v.ss);
        f.put("base", base);
        v.rflags &= ~(EFLAGS_AC | EFLAGS_VM | EFLAGS_RF | EFLAGS_NT | EFLAGS_TF);
        v.ss = PvLayout.FLAT_KERNEL_SS64;
        v.rsp = sp;
        v.cs = PvLayout.FLAT_KERNEL_CS64;
        if (tb.eip() == 0) {
            throw crash(noHandlerReason(tb), "domain_crash_sync called from entry.S: no handler for vector "
                    + tb.vector());
        }
        v.rip = tb.eip();
        v.trapBounce = TrapBounce.NONE;
        v.handlerFrames.addLast(new PvVcpu.HandlerFrame(sp, tb.hasErrorCode(), f.get("rcx"), f.get("r11")));
        t().resume("bounce", "handler", v.rip, "rsp", v.rsp, "upcall_mask", v.upcallMask);
        return f;
    }

    /**
     * {@code compat_create_bounce_frame} (32-bit, §5.5): from ring 3 switch to {@code kernel_ss:kernel_sp} and push
     * SS, ESP; then CS|old mask&lt;&lt;16, EFLAGS, EIP, [error code], 4 bytes each; no alignment, no RCX/R11; a null
     * handler selector crashes the domain.
     */
    @XenFunction(symbol = "compat_create_bounce_frame", file = "xen/arch/x86/x86_64/compat/entry.S",
            version = "3.1, 4.22")
    SequencedMap<String, Long> compatCreateBounceFrame(PvVcpu v, String site) {
        TrapBounce tb = v.trapBounce;
        boolean fromRing3 = (v.cs & 2) != 0;
        long esp;
        int ss;
        SequencedMap<String, Long> f = new LinkedHashMap<>();
        long base;
        if (fromRing3) {
            esp = v.kernelSp & 0xFFFFFFFFL;
            ss = v.kernelSs;
            base = esp;
            esp -= 8;
            t().call("compat_create_bounce_frame", "from", site, "ring", 3, "base", base, "vector", tb.vector());
            store(v, esp, v.rsp & 0xFFFFFFFFL, 4);
            store(v, esp + 4, v.ss, 4);
        } else {
            esp = v.rsp & 0xFFFFFFFFL;
            ss = v.ss;
            base = esp;
            t().call("compat_create_bounce_frame", "from", site, "ring", v.cs & 3, "base", base, "vector",
                    tb.vector());
        }
        esp -= 12;
        int oldMask = v.upcallMask;
        if (tb.masksEvents()) {
            v.upcallMask |= 1;
        }
        long cs = (v.cs & 0xFFFFL) | ((long) oldMask << 16);
        long eflags = ((v.rflags & 0xFFFFFFFFL) & ~(EFLAGS_IF | EFLAGS_IOPL)) | (oldMask == 0 ? EFLAGS_IF : 0)
                | (d.vmAssist(PvDomain.VMASST_ARCHITECTURAL_IOPL) ? ((long) v.iopl << 12) & EFLAGS_IOPL : 0);
        store(v, esp + 4, cs, 4);
        store(v, esp + 8, eflags, 4);
        store(v, esp, v.rip & 0xFFFFFFFFL, 4);
        if (tb.hasErrorCode()) {
            esp -= 4;
            store(v, esp, Integer.toUnsignedLong(tb.errorCode()), 4);
            f.put("error_code", Integer.toUnsignedLong(tb.errorCode()));
        }
        f.put("eip", v.rip & 0xFFFFFFFFL);
        f.put("cs", cs);
        f.put("eflags", eflags);
        if (fromRing3) {
            f.put("esp", v.rsp & 0xFFFFFFFFL);
            f.put("ss", (long) v.ss);
        }
        f.put("base", base);
        v.rflags &= ~(EFLAGS_VM | EFLAGS_RF | EFLAGS_NT | EFLAGS_TF);
        v.ss = ss;
        v.rsp = esp;
        if ((tb.cs() & ~3) == 0) {
            throw crash(noHandlerReason(tb), "compat_bounce_null_selector: no handler for vector " + tb.vector());
        }
        v.cs = tb.cs();
        v.rip = tb.eip() & 0xFFFFFFFFL;
        v.kernelMode = (v.cs & 3) == 1;
        v.trapBounce = TrapBounce.NONE;
        v.handlerFrames.addLast(new PvVcpu.HandlerFrame(esp, tb.hasErrorCode(), 0, 0));
        t().resume("bounce", "handler", v.rip, "esp", v.rsp, "upcall_mask", v.upcallMask);
        return f;
    }

    private void store(PvVcpu v, long va, long value, int size) {
        XenGuestAccess.Result r = d.access().write(v, va, size, value, XenSite.BOUNCE_FRAME);
        if (!r.ok()) {
            t().call("show_page_walk", "va", r.faultVa());
            throw crash("bounce_frame_fault", "fault writing the bounce frame at 0x" + Long.toHexString(r.faultVa()));
        }
    }

    private PvFatal.Crash crash(String reason, String detail) {
        t().call("asm_domain_crash_synchronous", "reason", reason);
        return new PvFatal.Crash(reason, detail);
    }

    /** {@code toggle_guest_mode}: switch between the guest's kernel and user halves (CR3 = the matching L4). */
    @XenFunction(symbol = "toggle_guest_mode", file = "xen/arch/x86/pv/domain.c; 3.1: xen/arch/x86/x86_64/traps.c",
            version = "3.1, 4.22")
    void toggleGuestMode(PvVcpu v) {
        v.kernelMode = !v.kernelMode;
        d.writePtbase(v);
        t().call("toggle_guest_mode", "kernel_mode", v.kernelMode, "cr3", v.mmu.controls().cr3());
    }
}
