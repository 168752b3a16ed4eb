package xpf.sim.xen.hvm.svm;

/** SVM exit codes used by the #PF path (asm/hvm/svm/vmcb.h; xen-hvm-fault-path.md §1.2). */
public final class SvmExitCode {
    /** Exception intercepts are 0x40 + vector. */
    public static final long VMEXIT_EXCEPTION_DE = 0x40;
    public static final long VMEXIT_EXCEPTION_DF = 0x48;
    /** 78: the seed mail's "#VMEXIT with page-fault exitcode (0x4E from memory)". */
    public static final long VMEXIT_EXCEPTION_PF = 0x4E;
    public static final long VMEXIT_SHUTDOWN = 0x7F;
    public static final long VMEXIT_NPF = 0x400;
    public static final long VMEXIT_INVALID = -1;

    /** exitinfo1 of an NPF: the fault was on the final guest-physical address. */
    public static final long NPT_PFEC_WITH_GLA = 1L << 32;
    /** exitinfo1 of an NPF: the fault was during the guest's page-table walk. */
    public static final long NPT_PFEC_IN_GPT = 1L << 33;

    private SvmExitCode() {
    }

    public static long exception(int vector) {
        return VMEXIT_EXCEPTION_DE + vector;
    }

    public static String name(long code) {
        if (code == VMEXIT_EXCEPTION_PF) {
            return "VMEXIT_EXCEPTION_PF";
        }
        if (code >= 0x40 && code < 0x60) {
            return "VMEXIT_EXCEPTION_" + (code - 0x40);
        }
        if (code == VMEXIT_SHUTDOWN) {
            return "VMEXIT_SHUTDOWN";
        }
        if (code == VMEXIT_NPF) {
            return "VMEXIT_NPF";
        }
        return "VMEXIT_" + Long.toHexString(code);
    }
}
