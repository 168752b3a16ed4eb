package xpf.sim.xen.pv;

import xpf.sim.trace.Trace;

/**
 * The xentrace records of the PV path (xen-pv-fault-path.md §7; public/trace.h, pv/trace.c). IDs are the 4.3+
 * {@code TRC_PV_ENTRY} class; 64-bit guests OR in {@code TRC_64_FLAG}. Payloads are the packed structs of
 * pv/trace.c as 32-bit words, low word first for 64-bit fields. Xen 3.1 had no PV trace events: with a 3.1 profile
 * nothing is recorded.
 */
final class PvTrace {
    static final int TRC_PV_ENTRY = 0x00201000;
    static final int TRC_64_FLAG = 0x100;
    static final int TRC_PV_TRAP = TRC_PV_ENTRY + 3;
    static final int TRC_PV_PAGE_FAULT = TRC_PV_ENTRY + 4;
    static final int TRC_PV_PAGING_FIXUP = TRC_PV_ENTRY + 9;
    static final int TRC_PV_GDT_LDT_MAPPING_FAULT = TRC_PV_ENTRY + 10;
    static final int TRC_PV_PTWR_EMULATION = TRC_PV_ENTRY + 11;
    static final int TRC_PV_PTWR_EMULATION_PAE = TRC_PV_ENTRY + 12;

    private final Trace trace;
    private final boolean enabled;
    private final boolean pv32;

    PvTrace(Trace trace, PvProfile profile, boolean pv32) {
        this.trace = trace;
        this.enabled = profile.emitsPvTraces();
        this.pv32 = pv32;
    }

    private static long lo(long v) {
        return v & 0xFFFFFFFFL;
    }

    private static long hi(long v) {
        return v >>> 32;
    }

    /** {@code trace_pv_page_fault}: rip, addr (CR2), error code after the U-bit rewrite. */
    void pageFault(long rip, long addr, int errorCode) {
        if (!enabled) {
            return;
        }
        long ec = Integer.toUnsignedLong(errorCode);
        if (pv32) {
            trace.xentrace("TRC_PV_PAGE_FAULT", TRC_PV_PAGE_FAULT, lo(rip), lo(addr), ec);
        } else {
            trace.xentrace("TRC_PV_PAGE_FAULT", TRC_PV_PAGE_FAULT | TRC_64_FLAG, lo(rip), hi(rip), lo(addr),
                    hi(addr), ec);
        }
    }

    /** {@code trace_pv_trap}: rip, then {trapnr:15, use_error_code:1} and the 16-bit error code in one word. */
    void trap(int vector, long rip, boolean useErrorCode, int errorCode) {
        if (!enabled) {
            return;
        }
        long packed = (vector & 0x7FFF) | (useErrorCode ? 0x8000L : 0) | ((errorCode & 0xFFFFL) << 16);
        if (pv32) {
            trace.xentrace("TRC_PV_TRAP", TRC_PV_TRAP, lo(rip), packed);
        } else {
            trace.xentrace("TRC_PV_TRAP", TRC_PV_TRAP | TRC_64_FLAG, lo(rip), hi(rip), packed);
        }
    }

    /** {@code trace_trap_two_addr}: TRC_PV_PAGING_FIXUP (rip, addr) and TRC_PV_GDT_LDT_MAPPING_FAULT (rip, offset). */
    void twoAddr(String name, int id, long a, long b) {
        if (!enabled) {
            return;
        }
        if (pv32) {
            trace.xentrace(name, id, lo(a), lo(b));
        } else {
            trace.xentrace(name, id | TRC_64_FLAG, lo(a), hi(a), lo(b), hi(b));
        }
    }

    void pagingFixup(long rip, long addr) {
        twoAddr("TRC_PV_PAGING_FIXUP", TRC_PV_PAGING_FIXUP, rip, addr);
    }

    void gdtLdtMappingFault(long rip, long offset) {
        twoAddr("TRC_PV_GDT_LDT_MAPPING_FAULT", TRC_PV_GDT_LDT_MAPPING_FAULT, rip, offset);
    }

    /** {@code trace_ptwr_emulation}: the new PTE, the (8-aligned) address written, rip. */
    void ptwrEmulation(long pte, long addr, long rip) {
        if (!enabled) {
            return;
        }
        if (pv32) {
            trace.xentrace("TRC_PV_PTWR_EMULATION_PAE", TRC_PV_PTWR_EMULATION_PAE, lo(pte), hi(pte), lo(addr),
                    lo(rip));
        } else {
            trace.xentrace("TRC_PV_PTWR_EMULATION", TRC_PV_PTWR_EMULATION | TRC_64_FLAG, lo(pte), hi(pte), lo(addr),
                    hi(addr), lo(rip), hi(rip));
        }
    }
}
