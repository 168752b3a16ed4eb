package xpf.sim.xen.pv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import xpf.sim.x86.Mmu;

/**
 * One PV vCPU ({@code struct vcpu}, {@code arch.pv.*}; xen-pv-fault-path.md §1): the hardware MMU it runs on, the
 * guest register state the model needs, TF_kernel_mode, the base pointers, the virtual IDT, the pending trap bounce,
 * the virtual CR2 and the shared {@code vcpu_info} fields, and the LDT.
 *
 * <p>Register model: there is no instruction stream; {@code rip} is "the instruction the next step performs". A
 * completed or emulated access leaves it unchanged (the trace records where Xen would advance it). A delivered
 * exception moves it to the handler; {@code HYPERVISOR_iret} moves it back.
 */
final class PvVcpu {
    final int id;
    final Mmu mmu;
    /** {@code TF_kernel_mode} (64-bit PV): guest kernel vs guest user half; both run in ring 3. */
    boolean kernelMode;
    /** {@code guest_table}: the kernel L4 (64-bit) or the guest's L3 (32-bit), as a frame number. */
    long guestTable;
    /** {@code guest_table_user}: the user L4 (64-bit only), 0 for none. */
    long guestTableUser;
    /** 32-bit PV: the Xen-owned L4 whose slot 0 points at the guest's L3 (what CR3 really holds). */
    long compatL4;

    long rip;
    long rsp;
    long rflags;
    long rax;
    long rcx;
    long r11;
    int cs;
    int ss;

    long kernelSp;
    int kernelSs;
    final TrapInfo[] trapCtxt = new TrapInfo[256];
    TrapBounce trapBounce = TrapBounce.NONE;

    /** {@code arch.pv.ctrlreg[2]}: the virtual CR2 a guest {@code mov %cr2} reads. */
    long ctrlreg2;
    /** Shared {@code vcpu_info.arch.cr2}. */
    long vcpuInfoCr2;
    /** {@code vcpu_info.evtchn_upcall_pending}. */
    int upcallPending;
    /** {@code vcpu_info.evtchn_upcall_mask}. */
    int upcallMask;
    /** {@code arch.pv.iopl} (virtual IOPL, used with the architectural_iopl assist). */
    int iopl;

    long ldtBase;
    int ldtEnts;
    /** Frames mapped into this vCPU's LDT shadow slots (each holds a general + seg_desc type reference), by page. */
    final long[] ldtShadow = new long[16];

    /**
     * Frames the guest's handlers are running on, innermost last: what the model's guest handler pops before it
     * returns with {@code HYPERVISOR_iret} (bottom of the frame, whether it has an error code, RCX/R11 saved in it).
     */
    record HandlerFrame(long bottom, boolean errorCode, long rcx, long r11) {
    }

    final java.util.ArrayDeque<HandlerFrame> handlerFrames = new java.util.ArrayDeque<>();

    PvVcpu(int id, Mmu mmu) {
        this.id = id;
        this.mmu = mmu;
        for (int v = 0; v < 256; v++) {
            trapCtxt[v] = TrapInfo.empty(v);
        }
        Arrays.fill(ldtShadow, 0);
    }

    /** The registered handlers, vector order (non-empty entries only). */
    List<TrapInfo> trapTable() {
        List<TrapInfo> out = new ArrayList<>();
        for (TrapInfo t : trapCtxt) {
            if (t.address() != 0 || t.cs() != 0 || t.flags() != 0) {
                out.add(t);
            }
        }
        return out;
    }
}
