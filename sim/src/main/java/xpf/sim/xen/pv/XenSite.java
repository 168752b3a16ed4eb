package xpf.sim.xen.pv;

/**
 * Where inside Xen an access to guest memory is made, and what Xen's exception table says about a fault there
 * (§2.2 step 5c). Every guest-memory access Xen makes on the PV path has an extable entry; {@link #UNPROTECTED} stands
 * for an access without one (a Xen bug) and is what makes the "FATAL PAGE FAULT" panic reachable in tests.
 */
public enum XenSite {
    /** {@code create_bounce_frame}'s stores ({@code STORE_GUEST_STACK}): fixup {@code domain_crash_page_fault_Nx8}. */
    BOUNCE_FRAME("create_bounce_frame", true),
    /** {@code copy_from_guest} / {@code __get_guest}: fixup returns "bytes not copied" (-EFAULT to the caller). */
    COPY_FROM_GUEST("copy_from_guest", true),
    /** {@code copy_to_guest} / {@code __put_guest}: fixup returns "bytes not copied" (-EFAULT to the caller). */
    COPY_TO_GUEST("copy_to_guest", true),
    /** {@code get_unsafe} on Xen's linear page table ({@code guest_get_eff_l1e}, {@code map_guest_l1e}). */
    LINEAR_PT("get_unsafe", true),
    /** A Xen access with no exception-table entry. */
    UNPROTECTED("unprotected access", false);

    private final String symbol;
    private final boolean extable;

    XenSite(String symbol, boolean extable) {
        this.symbol = symbol;
        this.extable = extable;
    }

    public String symbol() {
        return symbol;
    }

    public boolean hasExtable() {
        return extable;
    }
}
