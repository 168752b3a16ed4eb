package xpf.sim.xen.hvm;

import xpf.sim.xen.BugSwitch;

/**
 * The seeded historic bugs of the HVM path (issue 8 §4), each switched on by its id in a scenario's {@code bugs} and
 * checked with {@code xen.bug(id)} exactly where the historic code went wrong. Off by default. Sources:
 * xen-hvm-fault-path.md §7 (item numbers) and the fix commits named there.
 */
public enum HvmBug implements BugSwitch {
    XSA_173("xsa-173", "a shadowed superpage keeps its gfn in a 32-bit backpointer: a gfn >= 2^32 (GPA >= 2^44) is "
            + "truncated and the host BUGs; the fix limits a shadowed guest's MAXPHYADDR to 44",
            "§7.5, 8b17648339 (2016)", "ShadowPaging.pageFault (F11) and HvmDomain guest MAXPHYADDR"),
    XSA_176("xsa-176", "the software walker ignores PS in an L4e, and in an L3e without 1 GiB support, instead of "
            + "treating it as reserved", "§7.6, CVE-2016-4480, 46699c7393", "GuestWalker.reserved / leaf"),
    NO_IDT_VECTORING_REQUEUE("no-idt-vectoring-requeue", "the event being delivered when the exit happened "
            + "(EXITINTINFO / IDT-vectoring information) is dropped instead of re-queued", "§7.1, §2.5 (3.0.4)",
            "Svm.requeue (svm_vmexit_handler) / Vmx.vmxIdtvReinject"),
    NO_DF_COMBINE("no-df-combine", "a new exception overwrites a pending one: no #DF combination", "§7.1, before "
            + "a363bc0ce0 (2008)", "Svm.injectEvent / Vmx.injectEvent"),
    CR2_AFTER_COMBINE("cr2-after-combine", "CR2 is written only if the injected event is still #PF after "
            + "combination, so a #PF that became #DF leaves CR2 stale", "§1.4 step 3, before 8dab867c81 (2018)",
            "Svm.injectEvent / Vmx.injectEvent"),
    PFEC_IMPLICIT_LEAK("pfec-implicit-leak", "the synthetic PFEC_implicit (bit 18) reaches the injected error code "
            + "(VM entry fails on VMX)", "§7.8, b706e1c6af (2017)", "GuestWalker (gw->pfec) and ShadowPaging F7"),
    ID_WITHOUT_NXE("id-without-nxe", "Xen's own EFER.NXE is used in the guest's walk: I/D reported and NX not "
            + "reserved for a guest with NXE=0", "§7.9, a0b40c3e08 / fd32dcfe4c (2017)", "GuestWalker"),
    RSVD_ON_NOT_PRESENT("rsvd-on-not-present", "reserved bits are checked on non-present entries", "§7.3, "
            + "51ce0a98c8 (2010) / b38c115140 (2012)", "GuestWalker"),
    A_BIT_ON_FAULT("a-bit-on-fault", "the walker sets A on the entries of a walk that then faults", "§7.2, "
            + "31b083a50c (Nov 2007)", "GuestWalker.onFailure");

    private final String id;
    private final String description;
    private final String source;
    private final String where;

    HvmBug(String id, String description, String source, String where) {
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
        return "HVM";
    }
}
