package xpf.sim.xen.mm;

import xpf.model.scenario.Errno;
import xpf.sim.xen.XenFunction;

/**
 * Xen's reference counting on frames (xen-pv-fault-path.md §4.2; the header comment of xen/arch/x86/mm.c): the
 * general count ({@code get_page}/{@code put_page}) and the type count ({@code get_page_type}/{@code put_page_type}).
 * Types are mutually exclusive; a frame's type may change only while its type count is 0. Taking the first reference
 * of a page-table or descriptor type validates the frame (the caller's {@link TypeHooks#allocPageType}); dropping the
 * last reference of a validated page-table type de-validates it ({@link TypeHooks#freePageType}).
 *
 * <p>What validation means is the PV path's business (it needs the domain, the profile and the other tables), so it
 * comes in through {@link TypeHooks}; this class only keeps the counts and the state machine, as {@code mm.c} does.
 * Single-threaded: the "validate-locked" and preemptible states of real Xen ({@code PGT_partial}, -ERESTART) do not
 * arise and are not modelled.
 */
public final class PageRefs {

    /** What a type transition needs from the path that owns the frame's contents. */
    public interface TypeHooks {
        /**
         * {@code alloc_page_type}: validates the frame's contents for {@code type} (promote_lN_table, segment
         * descriptors). Returns 0 or a negative errno; on failure every reference it took is already dropped.
         */
        int allocPageType(PageInfo page, PageType type, boolean paeXenL2);

        /** {@code free_page_type}: drops the references the frame's entries hold (demote_lN_table). */
        void freePageType(PageInfo page, PageType type);

        /**
         * The frame's type changes from {@code from} to {@code to} with type count 0: TLBs of the owner's vCPUs may
         * still hold translations that the old type allowed (a writable mapping of a future page table), so Xen
         * flushes them ({@code flush_mask} in {@code _get_page_type}). Called only when a reference to the frame was
         * dropped since its last type change ({@link PageInfo#tlbflushNeeded()}, the model of
         * {@code tlbflush_timestamp} filtering).
         */
        void flushOnTypeChange(PageInfo page, PageType from, PageType to);
    }

    private PageRefs() {
    }

    /** {@code get_page(page, d)}: a general reference, only if {@code d} owns the frame. */
    @XenFunction(symbol = "get_page", file = "xen/arch/x86/mm.c", version = "3.1, 4.22")
    public static boolean getPage(PageInfo page, int domid) {
        if (page == null || page.owner() != domid) {
            return false;
        }
        page.setCount(page.count() + 1);
        return true;
    }

    /** {@code put_page}. The count may go negative only through a seeded bug; nothing here hides that. */
    @XenFunction(symbol = "put_page", file = "xen/arch/x86/mm.c", version = "3.1, 4.22")
    public static void putPage(PageInfo page) {
        page.setCount(page.count() - 1);
        page.setTlbflushNeeded(true);
    }

    /**
     * {@code _get_page_type}: one more reference of {@code type}. With type count 0 the type may change (flushing
     * stale TLB entries); a page-table or segment-descriptor type then needs validation. With type count &gt; 0 the
     * type must match (including the {@code PGT_pae_xen_l2} qualifier), else -EINVAL.
     *
     * @return 0, or a negative errno (the reference is not taken)
     */
    @XenFunction(symbol = "_get_page_type", file = "xen/arch/x86/mm.c", version = "4.22",
            formerly = "get_page_type")
    public static int getPageType(PageInfo page, PageType type, boolean paeXenL2, TypeHooks hooks) {
        if (page.typeCount() == 0) {
            if (page.type() != type) {
                PageType from = page.type();
                page.setType(type);
                page.setValidated(false);
                if (page.tlbflushNeeded()) {
                    hooks.flushOnTypeChange(page, from, type);
                    page.setTlbflushNeeded(false);
                }
            }
            page.setPaeXenL2(paeXenL2);
        } else if (page.type() != type || page.paeXenL2() != paeXenL2) {
            return -(int) Errno.EINVAL;
        } else if (!page.validated()) {
            // Same type, count > 0, not validated: the frame is being validated further up this very call chain
            // (Xen would spin here; comment 2 above define_get_linear_pagetable). Refuse instead of deadlocking.
            return -(int) Errno.EINVAL;
        }
        page.setTypeCount(page.typeCount() + 1);
        if (page.validated()) {
            return 0;
        }
        if (!needsValidation(type)) {
            page.setValidated(true);
            return 0;
        }
        int rc = hooks.allocPageType(page, type, paeXenL2);
        if (rc != 0) {
            // Nobody else holds a reference: the frame goes back to "no type in use" (type_info cleared in 3.1).
            page.setTypeCount(page.typeCount() - 1);
            page.setPaeXenL2(false);
            return rc;
        }
        page.setValidated(true);
        return 0;
    }

    /**
     * {@code _put_page_type}: drops one type reference; the last reference of a validated page table de-validates it
     * (its entries' references are dropped through the hooks).
     */
    @XenFunction(symbol = "_put_page_type", file = "xen/arch/x86/mm.c", version = "4.22", formerly = "put_page_type")
    public static void putPageType(PageInfo page, TypeHooks hooks) {
        long n = page.typeCount() - 1;
        if (n == 0 && page.type().pageTable() && page.validated()) {
            page.setValidated(false);
            hooks.freePageType(page, page.type());
            page.setPaeXenL2(false);
        }
        page.setTypeCount(n);
    }

    /** {@code get_page_and_type}: general reference, then type reference; both or neither. */
    @XenFunction(symbol = "get_page_and_type", file = "xen/arch/x86/include/asm/mm.h", version = "3.1, 4.22")
    public static int getPageAndType(PageInfo page, int domid, PageType type, boolean paeXenL2, TypeHooks hooks) {
        if (!getPage(page, domid)) {
            return -(int) Errno.EINVAL;
        }
        int rc = getPageType(page, type, paeXenL2, hooks);
        if (rc != 0) {
            putPage(page);
        }
        return rc;
    }

    /** {@code put_page_and_type}. */
    @XenFunction(symbol = "put_page_and_type", file = "xen/arch/x86/include/asm/mm.h", version = "3.1, 4.22")
    public static void putPageAndType(PageInfo page, TypeHooks hooks) {
        putPageType(page, hooks);
        putPage(page);
    }

    /** Page tables and descriptor pages are scanned when they gain their type; writable and shared pages are not. */
    static boolean needsValidation(PageType type) {
        return type.pageTable() || type == PageType.SEG_DESC;
    }
}
