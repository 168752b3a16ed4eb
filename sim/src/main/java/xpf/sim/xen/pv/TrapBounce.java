package xpf.sim.xen.pv;

/**
 * A pending injection ({@code struct trap_bounce}, asm/domain.h): what {@code create_bounce_frame} will deliver on the
 * way back to the guest. {@link #NONE} when nothing is pending (flags 0, eip 0: the state create_bounce_frame leaves
 * behind so nothing is injected twice, XSA-339).
 */
public record TrapBounce(int errorCode, int flags, int cs, long eip, int vector) {
    /** {@code TBF_EXCEPTION}. */
    public static final int TBF_EXCEPTION = 1;
    /** {@code TBF_EXCEPTION_ERRCODE}. */
    public static final int TBF_EXCEPTION_ERRCODE = 2;
    /** {@code TBF_INTERRUPT}: mask events (upcall mask := 1) while the handler runs. */
    public static final int TBF_INTERRUPT = 8;

    public static final TrapBounce NONE = new TrapBounce(0, 0, 0, 0, -1);

    public boolean pending() {
        return (flags & TBF_EXCEPTION) != 0;
    }

    public boolean hasErrorCode() {
        return (flags & TBF_EXCEPTION_ERRCODE) != 0;
    }

    public boolean masksEvents() {
        return (flags & TBF_INTERRUPT) != 0;
    }
}
