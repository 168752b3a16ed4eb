package xpf.sim.xen.pv;

/**
 * One entry of a vCPU's virtual IDT ({@code struct trap_info}, public arch-x86/xen.h): vector, flags (bits 0-1 the
 * DPL for {@code INT n}, bit 2 "clear event enable"), code selector, handler address. Address 0 means "no handler".
 */
public record TrapInfo(int vector, int flags, int cs, long address) {
    public static TrapInfo empty(int vector) {
        return new TrapInfo(vector, 0, 0, 0);
    }

    /** {@code TI_GET_IF}: the handler runs with event delivery masked. */
    public boolean disablesEvents() {
        return (flags & 4) != 0;
    }
}
