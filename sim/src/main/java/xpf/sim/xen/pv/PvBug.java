package xpf.sim.xen.pv;

import xpf.sim.xen.BugSwitch;

/**
 * The seeded historic bugs of the PV path (issue 8 §4), each switched on by its id in a scenario's {@code bugs} and
 * checked with {@code xen.bug(PvBug.X)} exactly where the historic code went wrong. Off by default. Sources:
 * xen-pv-fault-path.md §8 / §9 and the fix commits named there; docs/pv-path.md "Bug switches".
 */
public enum PvBug implements BugSwitch {
    XSA_148("xsa-148", "PSE accepted in an L2 entry through the mod_l2_entry fast path (frame and P unchanged): a "
            + "2 MiB mapping of 512 frames the guest need not own", "XSA-148 / CVE-2015-7835; PV §9, §4.5",
            "PvMm.modUpperEntry: PSE dropped from the L2 disallow mask and from the fast-path comparison"),
    XSA_182("xsa-182", "the L2-L4 fast path compares only frame+P (L1: +RW), so RW can be added to a recursive "
            + "(linear) L4 entry and the guest writes its own page tables", "XSA-182, fix e1bff4c2ea; PV §9, §8.4",
            "PvMm.modL1Entry / modUpperEntry: the pre-fix comparison masks"),
    XSA_240("xsa-240", "linear (same-level) page tables without a depth limit (no linear_pt_count)",
            "XSA-240, fix 6987fc7558; PV §9, §4.4, §8.5", "PvMm.getLinearPagetable / putPageFromUpper: no counting"),
    XSA_286("xsa-286", "no TLB flush after an L2+ change: Xen's linear mappings stay stale within a multicall",
            "XSA-286, fix 16a20963b3; PV §9, §4.7", "DoMmuUpdate.doMmuUpdate: the flush_linear_pt flush skipped"),
    PTWR_L2("ptwr-l2", "ptwr emulates a guest write into an L2 table (validating the new entry as an L1 entry) "
            + "instead of forwarding the #PF", "issue 8 §4 list; PV §3.1 step 5, §2.8 example 6",
            "PvRoPageFault.ptwrDoPageFault: an L2 type accepted as well as L1"),
    XSA_183("xsa-183", "the 32-bit bounce-frame stores are not whitelisted for SMAP (no STAC): a 32-bit kernel with "
            + "its stack on a user mapping panics Xen on a SMAP host", "XSA-183 / CVE-2016-6259; PV §9, §5.7",
            "XenGuestAccess.access: EFLAGS.AC stays clear for create_bounce_frame stores of a 32-bit guest"),
    PV_U_BIT("pv-u-bit", "the #PF error code's U bit is not recomputed for a 64-bit PV kernel (the guest sees the "
            + "ring-3 U=1 of its own kernel faults)", "issue 8 §4 list; PV §5.2 step 3",
            "PvInject.pvInjectEvent: the U rewrite skipped");

    private final String id;
    private final String description;
    private final String source;
    private final String where;

    PvBug(String id, String description, String source, String where) {
        this.id = id;
        this.description = description;
        this.source = source;
        this.where = where;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public String where() {
        return where;
    }

    @Override
    public String path() {
        return "PV";
    }
}
