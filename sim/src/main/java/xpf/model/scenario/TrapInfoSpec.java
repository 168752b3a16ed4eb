package xpf.model.scenario;

/**
 * One entry of a PV guest's virtual IDT, as passed to {@code set_trap_table} (public arch-x86/xen.h
 * {@code trap_info}): vector, flags (bits 0-1 DPL, bit 2 "disable events"), code selector, handler address.
 */
public record TrapInfoSpec(int vector, int flags, int cs, long address) {
    /** {@code TI_GET_IF}: the handler runs with event delivery masked. */
    public boolean disablesEvents() {
        return (flags & 4) != 0;
    }
}
