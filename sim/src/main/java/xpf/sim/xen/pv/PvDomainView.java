package xpf.sim.xen.pv;

import java.util.List;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.XenProfile;
import xpf.sim.xen.mm.PageInfo;

/**
 * A PV domain's state as plain data, for invariant checks and the reference model (docs/pv-path.md "State view").
 *
 * @param frames        the domain's named and spare frames with owner, counts, type, flags
 * @param perdomainL3   Xen's frame behind L4 slot 260 (the GDT/LDT shadow area): Xen's, not the guest's
 * @param bugs          the seeded historic bugs switched on for this run
 */
public record PvDomainView(String name, int domid, DomainKind kind, XenProfile profile, boolean alive,
        String crashReason, boolean hardwareDomain, List<String> vmAssist, boolean logDirty, List<Long> dirtyFrames,
        List<Long> iomemCaps, List<Long> mmioRoFrames, List<PageInfo.Snapshot> frames, List<Vcpu> vcpus,
        long perdomainL3, List<String> bugs) {

    /**
     * One vCPU.
     *
     * @param kernelMode    TF_kernel_mode (64-bit) or CS RPL 1 (32-bit)
     * @param guestTable    kernel L4 (64-bit) or the guest's L3 (32-bit), a frame number
     * @param guestTableUser user L4 (64-bit), 0 if none
     * @param hardwareCr3   what CR3 holds now (32-bit: Xen's L4 whose slot 0 is the guest L3)
     * @param ctrlreg2      the virtual CR2 ({@code arch.pv.ctrlreg[2]})
     * @param vcpuInfoCr2   {@code vcpu_info.arch.cr2}
     * @param ldtShadow     frames mapped in the 16 LDT shadow slots (0 = empty)
     * @param trapTable     the registered virtual-IDT entries
     * @param trapBounce    the pending injection ({@link TrapBounce#NONE} between steps)
     */
    public record Vcpu(int id, boolean kernelMode, long guestTable, long guestTableUser, long hardwareCr3, long rip,
            long rsp, long rflags, int cs, int ss, long kernelSp, int kernelSs, long ctrlreg2, long vcpuInfoCr2,
            int upcallPending, int upcallMask, long ldtBase, int ldtEnts, List<Long> ldtShadow,
            List<TrapInfo> trapTable, TrapBounce trapBounce) {
    }
}
