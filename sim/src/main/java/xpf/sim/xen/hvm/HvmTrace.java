package xpf.sim.xen.hvm;

import xpf.sim.trace.Trace;

/**
 * The HVM xentrace records of xen-hvm-fault-path.md §6 (public/trace.h), in the layout of the profile: modern records
 * put the error code first and have {@code _64} variants (TRC_64_FLAG 0x100, addresses as two words, low first);
 * 3.1 had TRC_HVM_VMEXIT and {@code HVMTRACE_2D(PF_XEN, v, va, ec)} (va first).
 */
public final class HvmTrace {
    public static final int TRC_HVM_VMENTRY = 0x00081001;
    public static final int TRC_HVM_VMX_EXIT = 0x00081002;
    public static final int TRC_HVM_SVM_EXIT = 0x00081003;
    public static final int TRC_64_FLAG = 0x100;
    public static final int TRC_HVM_PF_XEN = 0x00082001;
    public static final int TRC_HVM_PF_INJECT = 0x00082002;
    public static final int TRC_HVM_INJ_EXC = 0x00082003;
    public static final int TRC_HVM_NPF = 0x00082021;
    /** 3.1's single exit record (the same id as the modern VMX exit). */
    public static final int TRC_HVM_VMEXIT_31 = 0x00081002;

    private HvmTrace() {
    }

    private static long lo(long v) {
        return v & 0xFFFFFFFFL;
    }

    private static long hi(long v) {
        return v >>> 32;
    }

    public static void vmentry(Trace t, HvmProfile p) {
        if (p.modernTrace()) {
            t.xentrace("TRC_HVM_VMENTRY", TRC_HVM_VMENTRY);
        }
    }

    /** TRC_HVM_SVM_EXIT[64] / TRC_HVM_VMX_EXIT[64] (exit_reason, rip), or 3.1's TRC_HVM_VMEXIT. */
    public static void vmexit(Trace t, HvmProfile p, boolean svm, long reason, long rip, boolean longMode) {
        if (!p.modernTrace()) {
            t.xentrace("TRC_HVM_VMEXIT", TRC_HVM_VMEXIT_31, lo(reason), lo(rip));
            return;
        }
        int id = svm ? TRC_HVM_SVM_EXIT : TRC_HVM_VMX_EXIT;
        String name = svm ? "TRC_HVM_SVM_EXIT" : "TRC_HVM_VMX_EXIT";
        if (longMode) {
            t.xentrace(name + "64", id | TRC_64_FLAG, lo(reason), lo(rip), hi(rip));
        } else {
            t.xentrace(name, id, lo(reason), lo(rip));
        }
    }

    /** A #PF fixed by Xen: TRC_HVM_PF_XEN[64] (ec, va), or 3.1's (va, ec). */
    public static void pfXen(Trace t, HvmProfile p, int ec, long va, boolean longMode) {
        long e = Integer.toUnsignedLong(ec);
        if (!p.modernTrace()) {
            t.xentrace("TRC_HVM_PF_XEN", TRC_HVM_PF_XEN, lo(va), e);
        } else if (longMode) {
            t.xentrace("TRC_HVM_PF_XEN64", TRC_HVM_PF_XEN | TRC_64_FLAG, e, lo(va), hi(va));
        } else {
            t.xentrace("TRC_HVM_PF_XEN", TRC_HVM_PF_XEN, e, lo(va));
        }
    }

    /** An injected #PF: TRC_HVM_PF_INJECT64 (ec, cr2) — modern code emits only the 64 form. */
    public static void pfInject(Trace t, HvmProfile p, int ec, long cr2) {
        long e = Integer.toUnsignedLong(ec);
        if (p.modernTrace()) {
            t.xentrace("TRC_HVM_PF_INJECT64", TRC_HVM_PF_INJECT | TRC_64_FLAG, e, lo(cr2), hi(cr2));
        } else {
            t.xentrace("TRC_HVM_PF_INJECT", TRC_HVM_PF_INJECT, e, lo(cr2));
        }
    }

    /** Any other injection: TRC_HVM_INJ_EXC (vector, ec). */
    public static void injExc(Trace t, int vector, Integer ec) {
        t.xentrace("TRC_HVM_INJ_EXC", TRC_HVM_INJ_EXC, vector, ec == null ? 0 : Integer.toUnsignedLong(ec));
    }

    /** TRC_HVM_NPF: gpa (u64), mfn (u64), qualification (u32; 0 on SVM), p2m type (u32). */
    public static void npf(Trace t, long gpa, long mfn, long qualification, int p2mt) {
        t.xentrace("TRC_HVM_NPF", TRC_HVM_NPF, lo(gpa), hi(gpa), lo(mfn), hi(mfn), lo(qualification), p2mt);
    }
}
