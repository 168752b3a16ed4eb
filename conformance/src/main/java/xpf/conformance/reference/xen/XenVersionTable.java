package xpf.conformance.reference.xen;

import xpf.model.scenario.XenProfile;

/**
 * xen-pv-fault-path.md §8 "2007 (3.1) versus today" as one table: each row is a behaviour that exists in one profile
 * and not the other. The decision rows of the other tables consult it by name, and cite its tag when it decided.
 */
enum XenVersionTable {
    // §8.3 "3.1 ptwr trigger: assist on, guest kernel mode, W=1 (no P/RSVD/I filter, added 2010)"
    PTWR_TRIGGER_FILTER("pv.8.3", "ptwr only for W=1, RSVD=0, I=0 and (P=1 or paging)", false, true),
    // §8.3 "no mmio_ro path"
    MMIO_RO_PATH("pv.8.3", "read-only MMIO emulation for the hardware domain", false, true),
    // §8.3 "no L1TF"
    L1TF_CHECK("pv.8.3", "L1TF check of non-present entries", false, true),
    // §8.4 "3.1 fast paths: L1 compared frame+P+RW; L2–L4 compared only frame+P"
    FASTPATH_WHITELIST("pv.8.4", "fast path only for changes inside the flag whitelist (XSA-182)", false, true),
    // §8.5 "3.1 linear PTs at L2/L3/L4 without depth limit (XSA-240 class); no linear_pt_count"
    LINEAR_DEPTH_LIMIT("pv.8.5", "linear page tables: depth one, containing table owned by the domain", false, true),
    // §8.6 "3.1 disallow masks allowed PCD/PWT"
    L1_CACHE_ATTRS_DISALLOWED("pv.8.6", "PWT/PCD refused in the L1 entries of domains without I/O", false, true),
    // §8.6 "no RSVD panic (RSVD faults forwarded; never spurious)"
    RSVD_PANIC("pv.8.6", "a #PF with RSVD that no fixup handled panics Xen (4.14+)", false, true),
    // §2.3 row e: 4.22's sh_page_fault sets regs->error_code = gw.pfec & PFEC_arch_mask when the guest walk fails
    // ("not a shadow fault", xen/arch/x86/mm/shadow/multi.c, HEAD c447b73); 3.1's not_a_shadow_fault returns 0 and
    // leaves the hardware error code (tag 3.1.0-branched)
    SHADOW_GUEST_WALK_ERROR_CODE("pv.2.3e", "a fault the guest's tables refuse is forwarded with the shadow code's "
            + "guest-walk error code (not the hardware's)", false, true),
    // §8.6 "handle_gdt_ldt_mapping_fault had BUG_ON for foreign vCPU area and no U-bit filter"
    GDT_LDT_FILTER("pv.8.6", "only U=0, RSVD=0 faults reach the GDT/LDT handler (d4d2cb2113)", false, true),
    GDT_LDT_BUG_ON("pv.8.6", "a fault in another vCPU's GDT/LDT area hits BUG_ON", true, false),
    // §8.7 "bad-SP check HVS ≤ rsp < HVE+60; RFLAGS IOPL not virtualised; do_set_trap_table had no canonical check"
    BAD_STACK_INCLUSIVE("pv.8.7", "bad bounce stack: HVS <= base < HVE+60 (today HVS < base < HVE+64)", true, false),
    IOPL_VIRTUALISED("pv.8.7", "the saved RFLAGS carries the virtual IOPL (architectural_iopl) or 0", false, true),
    SET_TRAP_TABLE_CANONICAL("pv.8.7", "set_trap_table refuses non-canonical handlers (XSA-7)", false, true),
    // §8.8 "mmu_update errors collapsed to -EINVAL"
    ERRNO_COLLAPSED("pv.8.8", "validation failures all return -EINVAL", true, false);

    final String tag;
    final String text;
    private final boolean in31;
    private final boolean in422;

    XenVersionTable(String tag, String text, boolean in31, boolean in422) {
        this.tag = tag;
        this.text = text;
        this.in31 = in31;
        this.in422 = in422;
    }

    boolean in(XenProfile p) {
        return p == XenProfile.XEN_3_1 ? in31 : in422;
    }
}
