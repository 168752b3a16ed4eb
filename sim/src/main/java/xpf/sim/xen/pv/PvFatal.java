package xpf.sim.xen.pv;

/**
 * The two ways a step can end the guest's (or Xen's) life. They unwind from wherever Xen decides (deep in
 * {@code create_bounce_frame}, in {@code do_iret}, in {@code handle_PF}) to {@link PvDomain#step}, which turns them
 * into {@code DomainCrash} / {@code Panic} outcomes: the harness never sees an exception for anything a guest does.
 */
abstract sealed class PvFatal extends RuntimeException permits PvFatal.Crash, PvFatal.Panic {
    private static final long serialVersionUID = 1L;

    private final String reason;

    PvFatal(String reason, String detail) {
        super(reason + ": " + detail, null, false, false);
        this.reason = reason;
    }

    String reason() {
        return reason;
    }

    String detail() {
        String m = getMessage();
        return m.substring(m.indexOf(": ") + 2);
    }

    /** {@code domain_crash()} / {@code domain_crash_synchronous()}: this domain is dead. */
    static final class Crash extends PvFatal {
        private static final long serialVersionUID = 1L;

        Crash(String reason, String detail) {
            super(reason, detail);
        }
    }

    /** {@code panic()} / {@code fatal_trap()}: Xen itself is dead. */
    static final class Panic extends PvFatal {
        private static final long serialVersionUID = 1L;

        Panic(String reason, String detail) {
            super(reason, detail);
        }
    }
}
