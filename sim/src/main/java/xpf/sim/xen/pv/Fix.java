package xpf.sim.xen.pv;

/**
 * What {@code handle_PF} decided, in Xen's return conventions ({@code EXCRET_fault_fixed}, {@code
 * EXCRET_not_a_fault}, 0): {@link Kind#NONE} = not fixed (the fault goes on to the next stage), otherwise how it was
 * handled. {@code name} is the stable fixup name of docs/pv-path.md ({@code ptwr}, {@code ldt_mapped}, ...).
 * {@code errorCode}: for a fault not fixed, {@code regs->error_code} as the fixup left it when it rewrote it (the
 * shadow code's guest-walk error code, §2.3 row e); null when unchanged.
 */
record Fix(Kind kind, String name, Integer errorCode) {

    Fix(Kind kind, String name) {
        this(kind, name, null);
    }

    enum Kind {
        /** Return value 0: nothing fixed. */
        NONE,
        /** Fixed silently; the instruction restarts. */
        FIXED,
        /** The instruction was performed by Xen's emulator; the guest continues after it. */
        EMULATED,
        /** An exception was queued for the guest (trap_bounce set): forwarded. */
        FORWARDED,
        /** Xen-context only: the faulting Xen instruction continues at its exception-table fixup. */
        EXTABLE
    }

    static final Fix NOT_FIXED = new Fix(Kind.NONE, "");

    /** Not fixed, with {@code regs->error_code} rewritten to {@code ec}. */
    static Fix notFixed(int ec) {
        return new Fix(Kind.NONE, "", ec);
    }

    static Fix fixed(String name) {
        return new Fix(Kind.FIXED, name);
    }

    static Fix emulated(String name) {
        return new Fix(Kind.EMULATED, name);
    }

    static Fix forwarded(String name) {
        return new Fix(Kind.FORWARDED, name);
    }

    boolean handled() {
        return kind != Kind.NONE;
    }
}
