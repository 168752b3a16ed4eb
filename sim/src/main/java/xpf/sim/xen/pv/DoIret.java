package xpf.sim.xen.pv;

import xpf.model.scenario.Outcome;
import xpf.model.x86.Vectors;
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
        // pushed highest address first, 8 bytes each: the guest's pushq $0 (flags), then the hypercall page's
        // push %rcx; push %r11; push %rax; syscall (pv_ring3_init_hypercall_page, xen/arch/x86/pv/hypercall.c, 4.22)
        for (int i = words.length - 1; i >= 0; i--) {
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
        if ((eflags & BounceFrame.EFLAGS_VM) != 0) {
            // "Cannot return to VM86 mode: inject a GP fault instead" (compat_iret, xen/arch/x86/pv/iret.c 4.x-4.22,
            // master c447b73; 3.1 x86_64/compat/traps.c alike): words 1-9 of the frame (EIP, CS, EFLAGS, ESP, SS, ES,
            // DS, FS, GS) move to kernel_sp - 40 (copied in the direction that survives an overlap), ESP/SS become
            // kernel_sp - 40 / kernel_ss, error code 0 is stored at the new ESP, and the guest resumes at its #GP
            // handler with VM, RF, NT and TF cleared (events masked when its trap_info says so). A fault on any of
            // those copies crashes the domain. Fixed (mut-pvtrap): the model returned to the saved CS:EIP with VM set.
            TrapInfo gp = v.trapCtxt[Vectors.GP];
            long ksp = (v.kernelSp - 40) & 0xFFFFFFFFL;
            if (ksp < esp) {
                for (int i = 1; i < 10; i++) {
                    moveWord(v, esp, ksp, i);
                }
            } else if (ksp > esp) {
                for (int i = 9; i > 0; i--) {
                    moveWord(v, esp, ksp, i);
                }
            }
            v.rsp = ksp;
            v.ss = v.kernelSs;
            if (gp.disablesEvents()) {
                eflags &= ~BounceFrame.EFLAGS_IF;
            }
            v.rflags &= ~(BounceFrame.EFLAGS_VM | BounceFrame.EFLAGS_RF | BounceFrame.EFLAGS_NT
                    | BounceFrame.EFLAGS_TF);
            write32(v, ksp, 0);
            v.rip = gp.address();
            cs = gp.cs();
        } else if ((cs & 3) == 0) {
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

    /** One word of the vm86 frame, from the guest's ESP to kernel_sp - 40 ({@code __get_guest} / {@code __put_guest}). */
    private void moveWord(PvVcpu v, long from, long to, int i) {
        write32(v, to + 4L * i, read32(v, from + 4L * i));
    }

    private void write32(PvVcpu v, long va, long value) {
        XenGuestAccess.Result r = d.access().write(v, va, 4, value, XenSite.COPY_TO_GUEST);
        if (!r.ok()) {
            throw new PvFatal.Crash("iret_frame_unwritable", "compat IRET vm86 #GP frame at 0x"
                    + Long.toHexString(va));
        }
    }

    private long read32(PvVcpu v, long va) {
        XenGuestAccess.Result r = d.access().read(v, va, 4, XenSite.COPY_FROM_GUEST);
        if (!r.ok()) {
            throw new PvFatal.Crash("iret_frame_unreadable", "compat IRET context at 0x" + Long.toHexString(va));
        }
        return r.value();
    }
}
