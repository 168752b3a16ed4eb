package xpf.model.xen;

import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.MachineSpec;
import xpf.model.scenario.TrapInfoSpec;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PscEntryView;
import xpf.model.x86.TlbEntryView;

/**
 * A PV domain's state as plain data (../shared/reference/xen-pv-fault-path.md §1): what the independent PV reference
 * model ({@code xpf.conformance.reference.xen.PvOracle}) needs to predict a step, and what invariants inspect. See
 * docs/reference-model-pv.md "The view".
 *
 * @param domid          the domain's id ({@code domid_t}); the hardware domain is 0
 * @param kind           {@link DomainKind#PV64} or {@link DomainKind#PV32}
 * @param hardwareDomain {@code is_hardware_domain}
 * @param vmAssist       enabled {@code vm_assist} types by name ({@code writable_pagetables}, {@code
 *                       architectural_iopl}, {@code pae_extended_cr3}, {@code m2p_strict})
 * @param crashReason    why Xen crashed the domain (the {@code domain_crash} reason), null while it runs
 * @param xenPanic       why Xen panicked (the {@code panic} reason), null while Xen runs
 * @param logDirty       shadow log-dirty mode is on (domain param {@code log_dirty})
 * @param dirtyFrames    frames marked dirty in the log-dirty bitmap
 * @param iomemFrames    I/O frames the domain may map ({@code iomem_caps}; params {@code mmio_mfn}/{@code mmio_pages})
 * @param mmioRoFrames   frames in {@code mmio_ro_ranges} (params {@code mmio_ro_mfn}/{@code mmio_ro_pages})
 * @param eventCallback  the event-channel upcall handler (param {@code event_callback}); 0 if none
 * @param frames         Xen's frame table: every frame someone owns (any domain, {@link #DOMID_IO}, {@link #DOMID_XEN}),
 *                       by frame number
 * @param memory         every non-zero 8-byte word of machine memory, by (8-aligned) machine address
 * @param vcpus          the domain's vCPUs, by id
 */
public record PvDomainView(String domain, MachineSpec machine, boolean alive, int domid, DomainKind kind,
        boolean hardwareDomain, Set<String> vmAssist, String crashReason, String xenPanic, boolean logDirty,
        SortedSet<Long> dirtyFrames, SortedSet<Long> iomemFrames, SortedSet<Long> mmioRoFrames, long eventCallback,
        SortedMap<Long, Frame> frames, SortedMap<Long, Long> memory, List<Vcpu> vcpus) implements DomainView {

    /** {@code DOMID_SELF} (public xen.h). */
    public static final int DOMID_SELF = 0x7FF0;
    /** {@code DOMID_IO}: owner of I/O memory frames. */
    public static final int DOMID_IO = 0x7FF1;
    /** {@code DOMID_XEN}: owner of Xen's own frames. */
    public static final int DOMID_XEN = 0x7FF2;

    /** A frame's type ({@code PGT_*}, §4.1). */
    public enum FrameType {
        NONE, L1, L2, L3, L4, SEG_DESC, SHARED, WRITABLE;

        /** 1..4 for page-table types, else 0. */
        public int level() {
            return switch (this) {
                case L1 -> 1;
                case L2 -> 2;
                case L3 -> 3;
                case L4 -> 4;
                default -> 0;
            };
        }

        public static FrameType pageTable(int level) {
            return switch (level) {
                case 1 -> L1;
                case 2 -> L2;
                case 3 -> L3;
                case 4 -> L4;
                default -> throw new IllegalArgumentException("no page-table level " + level);
            };
        }
    }

    /**
     * One {@code struct page_info} (§1 "Per machine frame").
     *
     * @param count       the general reference count ({@code count_info} & PGC_count_mask)
     * @param typeCount   the type reference count
     * @param linearCount {@code linear_pt_count}: &gt; 0 linear entries this table contains, &lt; 0 linear uses of it
     * @param paeXenL2    {@code PGT_pae_xen_l2}: a 32-bit PV guest's L2 in L3 slot 3
     */
    public record Frame(long mfn, int owner, long count, FrameType type, long typeCount, boolean validated,
            boolean pinned, int linearCount, boolean paeXenL2) {
    }

    /**
     * One vCPU (§1 "Per vCPU").
     *
     * @param controls       the hardware paging state while the vCPU runs (mode, control bits, CR3 as loaded now:
     *                       for 64-bit the kernel or the user L4, for 32-bit Xen's L4 above the guest's L3)
     * @param kernelMode     guest kernel mode: {@code TF_kernel_mode} (64-bit), CS RPL 1 (32-bit)
     * @param guestTable     {@code guest_table}: kernel L4 (64-bit) or the guest's L3 (32-bit), a frame number
     * @param guestTableUser {@code guest_table_user} (64-bit user L4), 0 if none
     * @param iopl           {@code arch.pv.iopl}, the virtual IOPL in EFLAGS position (bits 12-13)
     * @param ctrlreg2       the virtual CR2 ({@code arch.pv.ctrlreg[2]})
     * @param upcallPending  {@code vcpu_info.evtchn_upcall_pending}
     * @param upcallMask     {@code vcpu_info.evtchn_upcall_mask}
     * @param ldtShadow      the frames mapped in the vCPU's 16 LDT shadow slots (0 = empty)
     * @param trapTable      the virtual IDT ({@code trap_ctxt}): registered entries (a missing vector has address 0)
     * @param handlerFrames  the bounce frames the guest's handlers are running on, innermost last (§5.4 "guest
     *                       convention": what a handler pops before it returns with {@code HYPERVISOR_iret})
     */
    public record Vcpu(int id, PagingControls controls, boolean kernelMode, long guestTable, long guestTableUser,
            long rip, long rsp, long rflags, int cs, int ss, long rax, long rcx, long r11, long kernelSp,
            int kernelSs, long iopl, long ctrlreg2, int upcallPending, int upcallMask, long ldtBase, int ldtEnts,
            List<Long> ldtShadow, List<TrapInfoSpec> trapTable, List<HandlerFrame> handlerFrames, List<TlbEntryView> tlb,
            List<PscEntryView> psc) {
        public Vcpu {
            ldtShadow = List.copyOf(ldtShadow);
            handlerFrames = List.copyOf(handlerFrames);
            trapTable = List.copyOf(trapTable);
            tlb = List.copyOf(tlb);
            psc = List.copyOf(psc);
        }

        /** The virtual-IDT entry for {@code vector}: the registered one, or an empty one (address 0, cs 0). */
        public TrapInfoSpec trap(int vector) {
            for (TrapInfoSpec t : trapTable) {
                if (t.vector() == vector) {
                    return t;
                }
            }
            return new TrapInfoSpec(vector, 0, 0, 0);
        }
    }

    /**
     * A frame Xen pushed for a guest handler that has not returned yet: its bottom (the handler's initial stack
     * pointer), whether it holds an error code, and the RCX/R11 saved in it (64-bit; 0 for 32-bit frames).
     */
    public record HandlerFrame(long bottom, boolean errorCode, long rcx, long r11) {
    }

    public PvDomainView {
        vmAssist = FrozenSortedSet.copyOf(vmAssist);
        dirtyFrames = FrozenSortedSet.copyOf(dirtyFrames);
        iomemFrames = FrozenSortedSet.copyOf(iomemFrames);
        mmioRoFrames = FrozenSortedSet.copyOf(mmioRoFrames);
        // Frozen maps are shared, not copied: the frame table is the same for every view taken while it is unchanged.
        frames = FrozenSortedMap.copyOf(frames);
        memory = FrozenSortedMap.copyOf(memory);
        vcpus = List.copyOf(vcpus);
    }

    public boolean pv32() {
        return kind == DomainKind.PV32;
    }

    public boolean assist(String type) {
        return vmAssist.contains(type);
    }
}
