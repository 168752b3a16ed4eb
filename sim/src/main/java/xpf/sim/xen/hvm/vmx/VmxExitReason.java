package xpf.sim.xen.hvm.vmx;

/** VMX basic exit reasons used by the #PF path (asm/hvm/vmx/vmx.h; xen-hvm-fault-path.md §2.2). */
public final class VmxExitReason {
    public static final int EXCEPTION_NMI = 0;
    public static final int TRIPLE_FAULT = 2;
    public static final int EPT_VIOLATION = 48;
    public static final int EPT_MISCONFIG = 49;
    /** {@code VMX_EXIT_REASONS_FAILED_VMENTRY}. */
    public static final long FAILED_VMENTRY = 1L << 31;

    /** EPT-violation exit qualification bits (§5.1). */
    public static final long EPT_READ = 1;
    public static final long EPT_WRITE = 1 << 1;
    public static final long EPT_FETCH = 1 << 2;
    public static final long EPT_ENTRY_READABLE = 1 << 3;
    public static final long EPT_ENTRY_WRITABLE = 1 << 4;
    public static final long EPT_ENTRY_EXECUTABLE = 1 << 5;
    public static final long EPT_GLA_VALID = 1 << 7;
    public static final long EPT_GLA_FINAL = 1 << 8;

    private VmxExitReason() {
    }

    public static String name(long reason) {
        return switch ((int) (reason & 0xFFFF)) {
            case EXCEPTION_NMI -> "EXIT_REASON_EXCEPTION_NMI";
            case TRIPLE_FAULT -> "EXIT_REASON_TRIPLE_FAULT";
            case EPT_VIOLATION -> "EXIT_REASON_EPT_VIOLATION";
            case EPT_MISCONFIG -> "EXIT_REASON_EPT_MISCONFIG";
            default -> "EXIT_REASON_" + (reason & 0xFFFF);
        };
    }
}
