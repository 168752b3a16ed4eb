package xpf.model.scenario;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import xpf.model.x86.PagingMode;

/**
 * A vCPU's initial state.
 *
 * @param mode       paging mode; null for an HVM vCPU with paging off
 * @param cr3        CR3 as a physical (or guest-physical) address
 * @param controls   control bits beyond the mode
 * @param cpl        current privilege level (HVM, bare). For PV it follows from {@code pvKernelMode}.
 * @param pvKernelMode PV: the guest is in its kernel (TF_kernel_mode); 64-bit PV kernels run in ring 3
 * @param userCr3    PV64: the user-mode top-level table ({@code guest_table_user}); 0 if none
 * @param kernelSp   PV: the stack Xen switches to when bouncing from user mode ({@code kernel_sp}); 0 if unset
 * @param idt        HVM and bare: the guest's IDT; null if none
 */
public record VcpuSpec(PagingMode mode, long cr3, Set<ControlFlag> controls, int pkru, int pkrs, int cpl,
        boolean pvKernelMode, long userCr3, long rip, long rsp, long rflags, long kernelSp, int kernelSs,
        IdtSpec idt) {

    public VcpuSpec {
        controls = Collections.unmodifiableSet(controls.isEmpty() ? EnumSet.noneOf(ControlFlag.class)
                : EnumSet.copyOf(controls));
    }

    public boolean has(ControlFlag f) {
        return controls.contains(f);
    }
}
