package xpf.sim.xen.emul;

/** Xen's {@code X86EMUL_*} return codes (arch/x86/x86_emulate/x86_emulate.h). */
public enum EmulResult {
    /** The instruction completed; RIP advances. */
    OKAY,
    /** The emulator cannot (or must not) handle it; the caller decides (ptwr: forward the #PF; shadow: unshadow). */
    UNHANDLEABLE,
    /** The instruction raised an exception (the event is in the result). */
    EXCEPTION,
    /** Do nothing now; the guest re-executes the instruction. */
    RETRY
}
