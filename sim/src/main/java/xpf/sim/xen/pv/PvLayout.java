package xpf.sim.xen.pv;

/**
 * The fixed shape of a PV guest's address space and ABI (xen-pv-fault-path.md §1; Xen's asm/config.h, asm/page.h,
 * public arch-x86/xen-x86_64.h and xen-x86_32.h). Numbers only; no behaviour.
 */
public final class PvLayout {
    /** {@code HYPERVISOR_VIRT_START}: first byte of Xen's 16 L4 slots (256..271) in every 64-bit PV L4. */
    public static final long HYPERVISOR_VIRT_START = 0xFFFF800000000000L;
    /** {@code HYPERVISOR_VIRT_END}: one past Xen's area. */
    public static final long HYPERVISOR_VIRT_END = 0xFFFF880000000000L;
    /** {@code ROOT_PAGETABLE_FIRST_XEN_SLOT} .. {@code LAST}: the L4 slots Xen owns and fills. */
    public static final int FIRST_XEN_L4_SLOT = 256;
    public static final int LAST_XEN_L4_SLOT = 271;
    /** L4 slot of Xen's linear (recursive) page table: {@code LINEAR_PT_VIRT_START = PML4_ADDR(258)}. */
    public static final int LINEAR_PT_SLOT = 258;
    public static final long LINEAR_PT_VIRT_START = 0xFFFF810000000000L;
    /** L4 slot of the per-domain area ({@code PERDOMAIN_VIRT_START = PML4_ADDR(260)}); the GDT/LDT area starts it. */
    public static final int PERDOMAIN_SLOT = 260;
    public static final long GDT_LDT_VIRT_START = 0xFFFF820000000000L;
    /** The GDT/LDT area is one per-domain slot: 1 GiB ({@code GDT_LDT_MBYTES}). */
    public static final long GDT_LDT_VIRT_END = GDT_LDT_VIRT_START + (1L << 30);
    /** Each vCPU's part of the area: 2^17 bytes, lower half GDT, upper half LDT ({@code GDT_LDT_VCPU_VA_SHIFT}). */
    public static final int GDT_LDT_VCPU_VA_SHIFT = 17;
    /** 48-bit linear addresses ({@code VADDR_MASK}), for the linear page-table offsets. */
    public static final long VADDR_MASK = (1L << 48) - 1;

    /** 64-bit PV selectors ({@code FLAT_KERNEL_CS} = {@code FLAT_RING3_CS64}; the kernel runs in ring 3). */
    public static final int FLAT_KERNEL_CS64 = 0xe033;
    public static final int FLAT_KERNEL_SS64 = 0xe02b;
    public static final int FLAT_USER_CS64 = 0xe033;
    public static final int FLAT_USER_SS64 = 0xe02b;
    /** Xen's own code selector ({@code __HYPERVISOR_CS}, RPL 0): the CS of a fault taken inside Xen. */
    public static final int HYPERVISOR_CS = 0xe008;

    /**
     * 32-bit PV selectors (public arch-x86/xen-x86_32.h {@code FLAT_RING1_CS/SS}, {@code FLAT_RING3_CS/SS}; looked up
     * in the Xen tree, HEAD): the kernel runs in ring 1.
     */
    public static final int FLAT_RING1_CS = 0xe019;
    public static final int FLAT_RING1_SS = 0xe021;
    public static final int FLAT_RING3_CS = 0xe02b;
    public static final int FLAT_RING3_SS = 0xe033;

    /**
     * A 32-bit PV guest's L2 in L3 slot 3 has Xen's compat M2P from {@code HYPERVISOR_COMPAT_VIRT_START} =
     * 0xF5800000 upwards: L2 slots 428..511 are Xen's ({@code COMPAT_L2_PAGETABLE_FIRST_XEN_SLOT}).
     */
    public static final int COMPAT_L2_FIRST_XEN_SLOT = (int) ((0xF5800000L >>> 21) & 511);

    /** {@code DOMID_SELF}: "the calling domain" in {@code foreigndom} arguments. */
    public static final int DOMID_SELF = 0x7FF0;

    private PvLayout() {
    }

    /** Whether {@code va} lies in Xen's part of the 64-bit address space ({@code IN_HYPERVISOR_RANGE}). */
    public static boolean inHypervisorRange(long va) {
        return Long.compareUnsigned(va, HYPERVISOR_VIRT_START) >= 0
                && Long.compareUnsigned(va, HYPERVISOR_VIRT_END) < 0;
    }

    /** {@code &__linear_l1_table[l1_linear_offset(va)]}: where Xen reads the L1 entry that maps {@code va}. */
    public static long linearL1eAddress(long va) {
        return LINEAR_PT_VIRT_START + ((va & VADDR_MASK) >>> 12) * 8;
    }

    /** {@code &__linear_l2_table[l2_linear_offset(va)]}: where Xen reads the L2 entry that maps {@code va}. */
    public static long linearL2eAddress(long va) {
        long l2Base = LINEAR_PT_VIRT_START + ((LINEAR_PT_VIRT_START & VADDR_MASK) >>> 12) * 8;
        return l2Base + ((va & VADDR_MASK) >>> 21) * 8;
    }

    /** {@code __addr_ok}: a 64-bit guest address below the 47-bit boundary or above Xen's area. */
    public static boolean addrOk(long va) {
        return Long.compareUnsigned(va, 1L << 47) < 0 || Long.compareUnsigned(va, HYPERVISOR_VIRT_END) >= 0;
    }

    /** Canonical for 48-bit linear addresses. */
    public static boolean canonical(long va) {
        return (va >> 47) == 0 || (va >> 47) == -1;
    }
}
