package xpf.sim.xen.pv;

import xpf.model.scenario.Outcome;
import xpf.sim.trace.Trace;
import xpf.sim.xen.XenFunction;

/**
 * {@code HYPERVISOR_iret} (xen-pv-fault-path.md §5.4; xen/arch/x86/pv/iret.c): the return from a guest handler.
 *
 * <p>The guest side is modelled on Linux's convention: a handler Xen bounced to pops RCX and R11 (64-bit) and the
 * error code, then {@code xen_iret} pushes the flags word and the hypercall page pushes RCX, R11, RAX, so
 * {@code do_iret} finds {RAX, R11, RCX, flags, RIP, CS, RFLAGS, RSP, SS} at RSP (32-bit: EAX above EIP, CS, EFLAGS
 * [, ESP, SS]). Those pushes are ordinary guest stores. Without a frame delivered earlier in the run, the context is
 * taken to be at RSP already.
 */
final class DoIret {
    /** {@code VGCF_in_syscall}: RCX/R11 are not restored. */
    static final long VGCF_IN_SYSCALL = 1L << 8;
    static final long EFLAGS_MBS = 0x2;
    static final long EFLAGS_ALL = 0x3F7FD5L;

    private final PvDomain d;

    DoIret(PvDomain d) {
        this.d = d;
    }

    private Trace t() {
        return d.trace();
    }

    /**
     * The guest handler's return sequence: its stores are ordinary guest writes. Returns null when they completed,
     * else the outcome of the fault one of them took (the iret is then not reached).
     */
    Outcome guestReturnSequence(PvVcpu v) {
        PvVcpu.HandlerFrame f = v.handlerFrames.pollLast();
        if (f == null) {
            return null;
        }
        if (d.pv32()) {
            long esp = f.bottom() + (f.errorCode() ? 4 : 0) - 4;
            v.rsp = esp;
            return d.steps().guestStore(v, esp, 4, v.rax);
        }
        long rsp = f.bottom() + 16 + (f.errorCode() ? 8 : 0) - 32;
        v.rsp = rsp;
        long[] words = {v.rax, f.r11(), f.rcx(), 0};
        for (int i = 0; i < words.length; i++) {
            Outcome o = d.steps().guestStore(v, rsp + 8L * i, 8, words[i]);
            if (o != null) {
                return o;
            }
        }
        return null;
    }

    /**
     * {@code do_iret}: read the context (unreadable: domain crash); returning to CS RPL 3 toggles to user mode
     * (no user page tables: domain crash); CS/SS forced to RPL 3, IF forced on, IOPL and VM cleared; the event mask
     * is restored from the saved RFLAGS.IF.
     */
    @XenFunction(symbol = "do_iret", file = "xen/arch/x86/pv/iret.c; 3.1: xen/arch/x86/x86_64/traps.c",
            version = "3.1, 4.22")
    long doIret(PvVcpu v) {
        long[] c = new long[9];
        for (int i = 0; i < 9; i++) {
            XenGuestAccess.Result r = d.access().read(v, v.rsp + 8L * i, 8, XenSite.COPY_FROM_GUEST);
            if (!r.ok()) {
                t().call("do_iret", "result", "crash", "why", "Fault while reading IRET context from guest stack");
                throw new PvFatal.Crash("iret_frame_unreadable", "IRET context at 0x" + Long.toHexString(v.rsp));
            }
            c[i] = r.value();
        }
        long rax = c[0];
        long r11 = c[1];
        long rcx = c[2];
        long flags = c[3];
        long rip = c[4];
        long cs = c[5];
        long rflags = c[6];
        long rsp = c[7];
        long ss = c[8];
        if ((cs & 3) == 3) {
            if (v.guestTableUser == 0) {
                t().call("do_iret", "result", "crash", "why", "Guest switching to user mode with no user page tables");
                throw new PvFatal.Crash("iret_no_user_pt", "no guest_table_user");
            }
            if (v.kernelMode) {
                d.bounce().toggleGuestMode(v);
            }
        }
        if (d.vmAssist(PvDomain.VMASST_ARCHITECTURAL_IOPL)) {
            v.iopl = (int) ((rflags >>> 12) & 3);
        }
        v.rip = rip;
        v.cs = (int) ((cs | 3) & 0xFFFF);
        v.rflags = (rflags & EFLAGS_ALL & ~(BounceFrame.EFLAGS_IOPL | BounceFrame.EFLAGS_VM)) | BounceFrame.EFLAGS_IF
                | EFLAGS_MBS;
        v.rsp = rsp;
        v.ss = (int) ((ss | 3) & 0xFFFF);
        if ((flags & VGCF_IN_SYSCALL) == 0) {
            v.r11 = r11;
            v.rcx = rcx;
        }
        v.upcallMask = (rflags & BounceFrame.EFLAGS_IF) == 0 ? 1 : 0;
        v.rax = rax;
        t().call("do_iret", "result", "0", "rip", rip, "cs", "0x" + Long.toHexString(v.cs), "rsp", rsp,
                "kernel_mode", v.kernelMode, "upcall_mask", v.upcallMask);
        return rax;
    }

    /** {@code compat_iret}: EAX, EIP, CS, EFLAGS at ESP; ring 1 keeps the stack (+16), ring 3 restores ESP and SS. */
    @XenFunction(symbol = "compat_iret", file = "xen/arch/x86/pv/iret.c; 3.1: xen/arch/x86/x86_64/compat/traps.c",
            version = "3.1, 4.22")
    long compatIret(PvVcpu v) {
        long esp = v.rsp & 0xFFFFFFFFL;
        long[] c = new long[4];
        for (int i = 0; i < 4; i++) {
            c[i] = read32(v, esp + 4L * i);
        }
        long eflags = c[3];
        if (d.vmAssist(PvDomain.VMASST_ARCHITECTURAL_IOPL)) {
            v.iopl = (int) ((eflags >>> 12) & 3);
        }
        v.rax = c[0];
        v.rip = c[1];
        int cs = (int) (c[2] & 0xFFFF);
        v.rflags = (eflags & EFLAGS_ALL & ~BounceFrame.EFLAGS_IOPL) | BounceFrame.EFLAGS_IF | EFLAGS_MBS;
        if ((cs & 3) == 0) {
            throw new PvFatal.Crash("iret_to_ring0", "compat_iret to ring 0");
        } else if ((cs & 3) == 1) {
            v.rsp = esp + 16;
        } else {
            v.ss = (int) (read32(v, esp + 20) & 0xFFFF);
            v.rsp = read32(v, esp + 16);
        }
        v.cs = cs;
        v.kernelMode = (cs & 3) == 1;
        v.upcallMask = (eflags & BounceFrame.EFLAGS_IF) == 0 ? 1 : 0;
        t().call("compat_iret", "result", "0", "eip", v.rip, "cs", "0x" + Integer.toHexString(cs), "esp", v.rsp,
                "upcall_mask", v.upcallMask);
        return v.rax;
    }

    private long read32(PvVcpu v, long va) {
        XenGuestAccess.Result r = d.access().read(v, va, 4, XenSite.COPY_FROM_GUEST);
        if (!r.ok()) {
            throw new PvFatal.Crash("iret_frame_unreadable", "compat IRET context at 0x" + Long.toHexString(va));
        }
        return r.value();
    }
}
