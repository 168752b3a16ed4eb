package xpf.sim.xen.pv;

import xpf.sim.trace.Trace;
import xpf.sim.xen.XenFunction;
import xpf.sim.xen.mm.FrameTable;
import xpf.sim.xen.mm.PageInfo;
import xpf.sim.xen.mm.PageRefs;
import xpf.sim.xen.mm.PageType;

/**
 * The PV half of Xen's memory management (xen-pv-fault-path.md §3.3, §4; xen/arch/x86/mm.c, pv/mm.h): what a guest
 * page-table entry may contain ({@code get_page_from_lNe}), the references each present entry holds, validation and
 * de-validation of whole tables ({@code promote_lN_table} / {@code demote_lN_table}, reached through
 * {@link PageRefs}), linear page tables, the per-entry updates of {@code mmu_update} ({@code mod_lN_entry}) and the
 * base pointers ({@code new_guest_cr3}).
 *
 * <p>Return values follow Xen: 0 for success, a negative errno for refusal, and for {@code get_page_from_l1e} a
 * positive value = flags to flip in the new entry. Every reference taken is balanced by the matching put.
 */
final class PvMm implements PageRefs.TypeHooks {

    private final PvDomain d;
    /** Why the deepest validation failed, for ScenarioError messages and traces ("L1 0x1003[5]: -EBUSY ..."). */
    private String lastFailure = "";

    PvMm(PvDomain d) {
        this.d = d;
    }

    String lastFailure() {
        return lastFailure;
    }

    private void failure(String what) {
        if (lastFailure.isEmpty()) {
            lastFailure = what;
        }
    }

    /** Clears the failure note before an operation whose failure should be explained. */
    void resetFailure() {
        lastFailure = "";
    }

    private Trace trace() {
        return d.trace();
    }

    // ---- frames ----

    PageInfo page(long mfn) {
        return d.frameTable().get(mfn);
    }

    /** {@code mfn_valid}: a RAM frame of the machine (whether or not anyone owns it). */
    boolean mfnValid(long mfn) {
        return mfn >= 0 && mfn < d.machine().frameLimit();
    }

    long readEntry(long tableMfn, int index) {
        return d.memory().readWord((tableMfn << 12) + 8L * index);
    }

    void writeEntry(long tableMfn, int index, long value) {
        d.memory().writeWord((tableMfn << 12) + 8L * index, value);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private String ownerName(long mfn) {
        PageInfo p = page(mfn);
        if (p == null) {
            return mfnValid(mfn) ? "nobody" : "no RAM";
        }
        return switch (p.owner()) {
            case FrameTable.DOMID_XEN -> "Xen";
            case FrameTable.DOMID_IO -> "DOMID_IO";
            default -> "d" + p.owner();
        };
    }

    // ---- §3.3 L1 entries ----

    /**
     * {@code get_page_from_l1e(l1e, l1e_owner = d, pg_owner)}: may this present L1 entry exist, and take the references
     * it holds (general; plus a writable type reference for RW).
     *
     * @param pgOwner the domain whose frames the entry may map (the caller, or {@code DOMID_IO})
     * @return 0, or flags to flip (RW for read-only MMIO), or a negative errno
     */
    @XenFunction(symbol = "get_page_from_l1e", file = "xen/arch/x86/mm.c", version = "3.1, 4.22")
    int getPageFromL1e(long l1e, int pgOwner) {
        long disallow = d.profile().l1DisallowMask(d.cpuHasNx(), d.cacheFlushPermitted());
        if ((l1e & disallow) != 0) {
            failure("L1 entry " + hex(l1e) + " has disallowed flags " + Pte.flagNames(l1e & disallow));
            return Rc.EINVAL;
        }
        long mfn = Pte.mfn(l1e);
        PageInfo page = page(mfn);
        boolean valid = mfnValid(mfn);
        if (!valid || (page != null && page.owner() == FrameTable.DOMID_IO)) {
            // I/O memory: DOMID_IO reverts to the caller for the privilege check; no references are held.
            if (!d.iomemAccessPermitted(mfn)) {
                failure("L1 entry " + hex(l1e) + " maps I/O or non-RAM frame " + hex(mfn)
                        + " without I/O-memory permission");
                return Rc.EPERM;
            }
            long flip = 0;
            if (d.profile().mmioRoEmulation() && d.mmioRo(mfn) && (l1e & Pte.RW) != 0) {
                flip |= Pte.RW; // mmio_ro_ranges: the mapping is silently made read-only
            }
            if (d.profile().ioMappingsForcedUncacheable()) {
                // "Cacheable memory types are flipped to UC": the flip turns WB (none of PAT/PCD/PWT) into PCD|PWT
                // and WT (PWT) / WP (PWT|PAT) into PCD|PWT too; UC, UC- and WC stay.
                long cache = l1e & Pte.CACHE_ATTRS;
                if (cache == 0) {
                    flip |= Pte.PCD | Pte.PWT;
                } else if (cache == Pte.PWT || cache == (Pte.PWT | Pte.PAT)) {
                    flip |= Pte.PCD | (cache & Pte.PAT);
                }
            }
            return (int) flip;
        }
        if (page == null || page.owner() != pgOwner) {
            failure("L1 entry " + hex(l1e) + " maps frame " + hex(mfn) + " owned by " + ownerName(mfn));
            return Rc.EBUSY;
        }
        if (!PageRefs.getPage(page, pgOwner)) {
            return Rc.EBUSY;
        }
        if ((l1e & Pte.RW) != 0 && PageRefs.getPageType(page, PageType.WRITABLE, false, this) != 0) {
            PageRefs.putPage(page);
            failure("L1 entry " + hex(l1e) + " maps frame " + hex(mfn) + " writable, but it is typed "
                    + page.type() + " (count " + page.typeCount() + ")");
            return Rc.EBUSY;
        }
        return Rc.OK;
    }

    /** {@code put_page_from_l1e}: drops what {@link #getPageFromL1e} took (nothing for I/O frames). */
    @XenFunction(symbol = "put_page_from_l1e", file = "xen/arch/x86/mm.c", version = "3.1, 4.22")
    void putPageFromL1e(long l1e) {
        if (!Pte.present(l1e)) {
            return;
        }
        long mfn = Pte.mfn(l1e);
        PageInfo page = page(mfn);
        if (page == null || page.owner() == FrameTable.DOMID_IO) {
            return;
        }
        if ((l1e & Pte.RW) != 0) {
            PageRefs.putPageAndType(page, this);
        } else {
            PageRefs.putPage(page);
        }
    }

    /**
     * {@code adjust_guest_l1e} (64-bit PV only): a kernel-only leaf (US=0) becomes US|GUEST_KERNEL, a user leaf gets
     * GLOBAL|US; every 64-bit PV leaf is user-accessible in hardware (the kernel runs in ring 3).
     */
    @XenFunction(symbol = "adjust_guest_l1e", file = "xen/arch/x86/pv/mm.h; 3.1: xen/arch/x86/mm.c",
            version = "3.1, 4.22")
    long adjustGuestL1e(long e) {
        if (!Pte.present(e) || d.pv32()) {
            return e;
        }
        if ((e & Pte.US) == 0) {
            e |= Pte.GUEST_KERNEL | Pte.US;
        }
        if ((e & Pte.GUEST_KERNEL) == 0) {
            e |= Pte.G | Pte.US;
        }
        return e;
    }

    /** {@code adjust_guest_l2e/l3e/l4e}: US on 64-bit upper levels (A too at L4 in 4.22); US|RW on a 32-bit L3. */
    @XenFunction(symbol = "adjust_guest_l4e", file = "xen/arch/x86/pv/mm.h; 3.1: xen/arch/x86/mm.c",
            version = "3.1, 4.22")
    long adjustGuestUpper(int level, long e) {
        if (!Pte.present(e)) {
            return e;
        }
        return switch (level) {
            case 2 -> d.pv32() ? e : e | Pte.US;
            case 3 -> d.pv32() ? e | Pte.US | Pte.RW : e | Pte.US;
            case 4 -> e | Pte.US | (d.profile().adjustL4AddsAccessed() ? Pte.A : 0);
            default -> throw new IllegalArgumentException("level " + level);
        };
    }

    // ---- §4.3 upper levels ----

    private long disallowMask(int level) {
        return switch (level) {
            case 2, 4 -> d.profile().baseDisallowMask(d.cpuHasNx());
            case 3 -> d.profile().l3DisallowMask(d.cpuHasNx(), d.pv32());
            default -> throw new IllegalArgumentException("level " + level);
        };
    }

    /** {@code get_page_and_type_from_mfn}: general ref on a frame the domain owns, then the type ref. */
    @XenFunction(symbol = "get_page_and_type_from_mfn", file = "xen/arch/x86/mm.c", version = "4.22",
            formerly = "get_page_and_type_from_pagenr")
    int getPageAndTypeFromMfn(long mfn, PageType type, boolean paeXenL2) {
        PageInfo page = page(mfn);
        if (!PageRefs.getPage(page, d.domid())) {
            failure("frame " + hex(mfn) + " is owned by " + ownerName(mfn) + ", not d" + d.domid());
            return Rc.EINVAL;
        }
        int rc = PageRefs.getPageType(page, type, paeXenL2, this);
        if (rc != 0) {
            PageRefs.putPage(page);
        }
        return rc;
    }

    /**
     * {@code get_page_from_l2e/l3e/l4e}: flags allowed at this level, and the target typed as the next level down
     * (validating it if needed); if that fails with -EINVAL, the linear (same-level) rule is tried.
     */
    @XenFunction(symbol = "get_page_from_l2e", file = "xen/arch/x86/mm.c", version = "3.1, 4.22")
    int getPageFromUpper(int level, long e, long tableMfn) {
        long mask = disallowMask(level);
        if ((e & mask) != 0) {
            failure("L" + level + " entry " + hex(e) + " has disallowed flags " + Pte.flagNames(e & mask));
            return Rc.EINVAL;
        }
        long mfn = Pte.mfn(e);
        int rc = getPageAndTypeFromMfn(mfn, PageType.pageTable(level - 1), false);
        boolean linearAllowed = level != 3 || !d.pv32() || d.profile().linearPtAtPv32L3();
        if (rc == Rc.EINVAL && linearAllowed && getLinearPagetable(level, e, tableMfn)) {
            rc = Rc.OK;
        }
        return rc;
    }

    /**
     * {@code define_get_linear_pagetable}: a same-level entry (the target is a table of the containing table's own
     * level) is allowed read-only, to an already validated table of the same domain; self-references hold no extra
     * reference. With the depth limit (4.22, XSA-240) a table may either contain such entries or be the target of
     * some, never both.
     */
    @XenFunction(symbol = "get_l4_linear_pagetable", file = "xen/arch/x86/mm.c", version = "3.1, 4.22",
            formerly = "get_linear_pagetable")
    boolean getLinearPagetable(int level, long e, long tableMfn) {
        if ((e & Pte.RW) != 0) {
            failure("L" + level + " entry " + hex(e) + ": linear page table with write permission");
            return false;
        }
        long mfn = Pte.mfn(e);
        if (mfn == tableMfn) {
            lastFailure = "";
            return true;
        }
        PageInfo ptpg = page(tableMfn);
        if (ptpg == null || ptpg.owner() != d.domid()) {
            return false;
        }
        PageInfo page = page(mfn);
        if (!PageRefs.getPage(page, d.domid())) {
            return false;
        }
        boolean counting = linearCounting();
        if (counting) {
            if (ptpg.linearPtCount() < 0) {
                PageRefs.putPage(page);
                failure("L" + level + " " + hex(tableMfn) + " is itself used as a linear page table (XSA-240 depth)");
                return false;
            }
            if (page.linearPtCount() > 0) {
                PageRefs.putPage(page);
                failure("L" + level + " " + hex(mfn) + " already contains linear entries (XSA-240 depth)");
                return false;
            }
        }
        if (page.type() != PageType.pageTable(level) || !page.validated() || page.typeCount() == 0) {
            PageRefs.putPage(page);
            failure("linear target " + hex(mfn) + " is not a validated L" + level + " table");
            return false;
        }
        if (counting) {
            ptpg.setLinearPtCount(ptpg.linearPtCount() + 1);
            page.setLinearPtCount(page.linearPtCount() - 1);
        }
        page.setTypeCount(page.typeCount() + 1);
        lastFailure = "";
        trace().call("get_l" + level + "_linear_pagetable", "result", "linear", "table", tableMfn, "target", mfn);
        return true;
    }

    /** {@code linear_pt_count} bookkeeping exists (4.22) and is not switched off by the XSA-240 bug. */
    private boolean linearCounting() {
        return d.profile().linearPtDepthLimited() && !d.xen().bug(PvBug.XSA_240);
    }

    /**
     * {@code put_page_from_l2e/l3e/l4e}: drops what {@link #getPageFromUpper} took. A same-level target drops its
     * linear counts ({@code put_pt_page}); a PSE entry drops one reference on each of its data frames
     * ({@code put_data_pages}), which only a seeded XSA-148 can make exist.
     */
    @XenFunction(symbol = "put_page_from_l2e", file = "xen/arch/x86/mm.c", version = "3.1, 4.22")
    void putPageFromUpper(int level, long e, long tableMfn) {
        if (!Pte.present(e) || Pte.mfn(e) == tableMfn) {
            return;
        }
        long mfn = Pte.mfn(e);
        if (level <= 3 && (e & Pte.PSE) != 0) {
            int n = level == 2 ? 512 : 512 * 512;
            for (int i = 0; i < n; i++) {
                PageInfo p = page(mfn + i);
                if (p == null) {
                    continue;
                }
                if ((e & Pte.RW) != 0) {
                    PageRefs.putPageAndType(p, this);
                } else {
                    PageRefs.putPage(p);
                }
            }
            return;
        }
        PageInfo page = page(mfn);
        PageInfo ptpg = page(tableMfn);
        if (page == null) {
            return;
        }
        boolean linear = ptpg != null && page.type() == ptpg.type();
        PageRefs.putPageType(page, this);
        if (linear && linearCounting()) {
            page.setLinearPtCount(page.linearPtCount() + 1);
            ptpg.setLinearPtCount(ptpg.linearPtCount() - 1);
        }
        PageRefs.putPage(page);
    }

    // ---- which slots belong to the guest ----

    /** {@code is_guest_l2_slot}: a 32-bit guest's L2 in L3 slot 3 has Xen's compat mappings from slot 428 on. */
    static boolean isGuestL2Slot(boolean paeXenL2, int slot) {
        return !paeXenL2 || slot < PvLayout.COMPAT_L2_FIRST_XEN_SLOT;
    }

    /** {@code is_guest_l4_slot}: 64-bit: all but 256..271; a 32-bit guest's (Xen-built) L4 has only slot 0. */
    boolean isGuestL4Slot(int slot) {
        if (d.pv32()) {
            return slot == 0;
        }
        return slot < PvLayout.FIRST_XEN_L4_SLOT || slot > PvLayout.LAST_XEN_L4_SLOT;
    }

    // ---- TypeHooks: validation and de-validation ----

    @Override
    @XenFunction(symbol = "alloc_page_type", file = "xen/arch/x86/mm.c", version = "3.1, 4.22")
    public int allocPageType(PageInfo page, PageType type, boolean paeXenL2) {
        int rc = switch (type) {
            case L1_PAGE_TABLE -> promoteL1Table(page);
            case L2_PAGE_TABLE -> promoteL2Table(page, paeXenL2);
            case L3_PAGE_TABLE -> promoteL3Table(page);
            case L4_PAGE_TABLE -> promoteL4Table(page);
            case SEG_DESC -> validateSegdescPage(page);
            default -> throw new IllegalStateException("no validation for " + type);
        };
        if (d.logDirty()) {
            d.markDirty(page.mfn()); // "A page table is dirtied when its type count becomes non-zero."
        }
        return rc;
    }

    @Override
    @XenFunction(symbol = "free_page_type", file = "xen/arch/x86/mm.c", version = "3.1, 4.22")
    public void freePageType(PageInfo page, PageType type) {
        long mfn = page.mfn();
        trace().call(d.profile().symbol("demote_l" + type.level() + "_table"), "mfn", mfn);
        switch (type) {
            case L1_PAGE_TABLE -> {
                for (int i = 0; i < 512; i++) {
                    putPageFromL1e(readEntry(mfn, i));
                }
            }
            case L2_PAGE_TABLE -> {
                for (int i = 0; i < 512; i++) {
                    if (isGuestL2Slot(page.paeXenL2(), i)) {
                        putPageFromUpper(2, readEntry(mfn, i), mfn);
                    }
                }
            }
            case L3_PAGE_TABLE -> {
                for (int i = 0; i < (d.pv32() ? 4 : 512); i++) {
                    putPageFromUpper(3, readEntry(mfn, i), mfn);
                }
            }
            case L4_PAGE_TABLE -> {
                for (int i = 0; i < 512; i++) {
                    if (isGuestL4Slot(i)) {
                        putPageFromUpper(4, readEntry(mfn, i), mfn);
                    }
                }
            }
            default -> {
            }
        }
        if (d.profile().flushOnDevalidate()) {
            // 3.1: "We have to flush before the next use of the linear mapping" (free_page_type).
            d.flushAllTlbs("free_page_type");
        }
    }

    @Override
    public void flushOnTypeChange(PageInfo page, PageType from, PageType to) {
        d.flushAllTlbs("type change " + from + " -> " + to + " of " + hex(page.mfn()));
    }

    /** {@code promote_l1_table}: every present entry must pass {@code get_page_from_l1e}; entries are adjusted. */
    @XenFunction(symbol = "promote_l1_table", file = "xen/arch/x86/mm.c", version = "4.22", formerly = "alloc_l1_table")
    int promoteL1Table(PageInfo page) {
        long mfn = page.mfn();
        for (int i = 0; i < 512; i++) {
            long e = readEntry(mfn, i);
            if (!Pte.present(e)) {
                continue;
            }
            int rc = getPageFromL1e(e, d.domid());
            if (rc < 0) {
                lastFailure = "L1 " + hex(mfn) + "[" + i + "]: " + Rc.name(rc) + " (" + lastFailure + ")";
                for (int j = i - 1; j >= 0; j--) {
                    putPageFromL1e(readEntry(mfn, j));
                }
                trace().call(d.profile().symbol("promote_l1_table"), "mfn", mfn, "result", Rc.name(rc), "slot", i);
                return rc;
            }
            if (rc > 0) {
                e ^= rc;
            }
            writeEntry(mfn, i, adjustGuestL1e(e));
        }
        trace().call(d.profile().symbol("promote_l1_table"), "mfn", mfn, "result", "0");
        return Rc.OK;
    }

    /** {@code promote_l2_table}. A {@code PGT_pae_xen_l2} table's Xen slots are Xen's and left alone. */
    @XenFunction(symbol = "promote_l2_table", file = "xen/arch/x86/mm.c", version = "4.22", formerly = "alloc_l2_table")
    int promoteL2Table(PageInfo page, boolean paeXenL2) {
        return promoteUpper(page, 2, paeXenL2);
    }

    /**
     * {@code promote_l3_table}. A 32-bit guest's L3 is a PAE PDPT: entries 4..511 are cleared, slot 3 must hold an L2
     * that gets {@code PGT_pae_xen_l2} and is not shared.
     */
    @XenFunction(symbol = "promote_l3_table", file = "xen/arch/x86/mm.c", version = "4.22", formerly = "alloc_l3_table")
    int promoteL3Table(PageInfo page) {
        if (!d.pv32()) {
            return promoteUpper(page, 3, false);
        }
        long mfn = page.mfn();
        for (int i = 4; i < 512; i++) {
            writeEntry(mfn, i, 0);
        }
        for (int i = 0; i < 4; i++) {
            long e = readEntry(mfn, i);
            int rc;
            if (i == 3) {
                long mask = disallowMask(3);
                if (!Pte.present(e) || (e & mask) != 0) {
                    failure("L3 " + hex(mfn) + "[3] must be present with allowed flags (it holds Xen's mappings)");
                    rc = Rc.EINVAL;
                } else {
                    rc = getPageAndTypeFromMfn(Pte.mfn(e), PageType.L2_PAGE_TABLE, true);
                    if (rc == 0 && page(Pte.mfn(e)).typeCount() != 1) {
                        putPageFromUpper(3, e, mfn);
                        failure("L3 " + hex(mfn) + "[3]: its L2 is shared");
                        rc = Rc.EINVAL;
                    }
                }
            } else if (!Pte.present(e)) {
                continue;
            } else {
                rc = getPageFromUpper(3, e, mfn);
            }
            if (rc < 0) {
                lastFailure = "L3 " + hex(mfn) + "[" + i + "]: " + Rc.name(rc) + " (" + lastFailure + ")";
                for (int j = i - 1; j >= 0; j--) {
                    putPageFromUpper(3, readEntry(mfn, j), mfn);
                }
                trace().call(d.profile().symbol("promote_l3_table"), "mfn", mfn, "result", Rc.name(rc), "slot", i);
                return rc;
            }
            writeEntry(mfn, i, adjustGuestUpper(3, e));
        }
        trace().call(d.profile().symbol("promote_l3_table"), "mfn", mfn, "result", "0");
        return Rc.OK;
    }

    /** {@code promote_l4_table}: guest slots validated, then Xen's slots 256..271 (re)written by Xen. */
    @XenFunction(symbol = "promote_l4_table", file = "xen/arch/x86/mm.c", version = "4.22", formerly = "alloc_l4_table")
    int promoteL4Table(PageInfo page) {
        int rc = promoteUpper(page, 4, false);
        if (rc == 0) {
            initXenL4Slots(page.mfn());
        }
        return rc;
    }

    private int promoteUpper(PageInfo page, int level, boolean paeXenL2) {
        long mfn = page.mfn();
        String sym = d.profile().symbol("promote_l" + level + "_table");
        for (int i = 0; i < 512; i++) {
            boolean guestSlot = level == 2 ? isGuestL2Slot(paeXenL2, i) : level != 4 || isGuestL4Slot(i);
            if (!guestSlot) {
                continue;
            }
            long e = readEntry(mfn, i);
            if (!Pte.present(e)) {
                continue;
            }
            int rc = getPageFromUpper(level, e, mfn);
            if (rc < 0) {
                lastFailure = "L" + level + " " + hex(mfn) + "[" + i + "]: " + Rc.name(rc) + " (" + lastFailure + ")";
                for (int j = i - 1; j >= 0; j--) {
                    boolean g = level == 2 ? isGuestL2Slot(paeXenL2, j) : level != 4 || isGuestL4Slot(j);
                    if (g) {
                        putPageFromUpper(level, readEntry(mfn, j), mfn);
                    }
                }
                trace().call(sym, "mfn", mfn, "result", Rc.name(rc), "slot", i);
                return rc;
            }
            writeEntry(mfn, i, adjustGuestUpper(level, e));
        }
        if (paeXenL2) {
            // init_xen_pae_l2_slots: Xen's compat M2P mappings; the model keeps those slots empty.
            for (int i = PvLayout.COMPAT_L2_FIRST_XEN_SLOT; i < 512; i++) {
                writeEntry(mfn, i, 0);
            }
        }
        trace().call(sym, "mfn", mfn, "result", "0");
        return Rc.OK;
    }

    /**
     * {@code init_xen_l4_slots}: Xen's part of every 64-bit PV L4. Slot 258 is Xen's linear page table (the L4
     * itself, read-write, supervisor-only), slot 260 the per-domain area (GDT/LDT shadows); the other Xen slots
     * (M2P, directmap, Xen text, ...) are not modelled and stay empty, so a guest touching them faults as it would on
     * a supervisor-only mapping.
     */
    @XenFunction(symbol = "init_xen_l4_slots", file = "xen/arch/x86/mm.c", version = "4.22")
    void initXenL4Slots(long l4mfn) {
        for (int i = PvLayout.FIRST_XEN_L4_SLOT; i <= PvLayout.LAST_XEN_L4_SLOT; i++) {
            writeEntry(l4mfn, i, 0);
        }
        writeEntry(l4mfn, PvLayout.LINEAR_PT_SLOT, Pte.of(l4mfn, Pte.HYPERVISOR_RW));
        writeEntry(l4mfn, PvLayout.PERDOMAIN_SLOT, Pte.of(d.perdomainL3(), Pte.HYPERVISOR_RW));
    }

    /**
     * {@code validate_segdesc_page} / {@code check_descriptor}: every present descriptor must be a code/data segment
     * (no 64-bit code segment for 32-bit guests), an empty type, or a call gate with zero reserved bits. The DPL and
     * call-gate rewrites Xen applies are not modelled.
     */
    @XenFunction(symbol = "validate_segdesc_page", file = "xen/arch/x86/pv/descriptor-tables.c", version = "4.22",
            formerly = "alloc_segdesc_page")
    int validateSegdescPage(PageInfo page) {
        for (int i = 0; i < 512; i++) {
            long desc = d.memory().readWord((page.mfn() << 12) + 8L * i);
            long b = desc >>> 32;
            if ((b & 0x8000) == 0) {
                continue; // not present: always faults, so safe
            }
            if ((b & 0x1000) != 0) {
                if (d.pv32() && (b & (1L << 21)) != 0) {
                    failure("descriptor " + i + " of " + hex(page.mfn()) + " is a 64-bit code segment");
                    return Rc.EINVAL;
                }
                continue;
            }
            long type = b & 0xF00;
            if (type == 0) {
                continue;
            }
            if (type != 0xC00 || (b & (d.pv32() ? 0xE0 : 0xFF)) != 0) {
                failure("descriptor " + i + " of " + hex(page.mfn())
                        + " is a system descriptor other than a call gate");
                return Rc.EINVAL;
            }
        }
        trace().call("validate_segdesc_page", "mfn", page.mfn(), "result", "0");
        return Rc.OK;
    }

    // ---- §4.7 per-entry updates ----

    private long commit(long tableMfn, int index, long ol, long nl, boolean preserveAd) {
        if (preserveAd) {
            nl |= ol & (Pte.A | Pte.D);
        }
        writeEntry(tableMfn, index, nl);
        if (d.logDirty()) {
            d.markDirty(tableMfn);
        }
        return nl;
    }

    /**
     * {@code mod_l1_entry}: disallowed flags refused; the fast path stores without re-validation when the frame and
     * every compared flag are unchanged; otherwise {@code get_page_from_l1e}; the old entry's references are dropped.
     */
    @XenFunction(symbol = "mod_l1_entry", file = "xen/arch/x86/mm.c", version = "3.1, 4.22")
    int modL1Entry(long tableMfn, int index, long nl1e, boolean preserveAd, int pgOwner) {
        long ol1e = readEntry(tableMfn, index);
        if (Pte.present(nl1e)) {
            long disallow = d.profile().l1DisallowMask(d.cpuHasNx(), d.cacheFlushPermitted());
            if ((nl1e & disallow) != 0) {
                failure("disallowed flags " + Pte.flagNames(nl1e & disallow));
                traceMod(1, tableMfn, index, ol1e, nl1e, Rc.EINVAL, "bad flags");
                return Rc.EINVAL;
            }
            nl1e = adjustGuestL1e(nl1e);
            long compared = d.xen().bug(PvBug.XSA_182) ? Pte.P | Pte.RW : d.profile().l1FastPathCompared();
            if (!Pte.hasChanged(ol1e, nl1e, compared)) {
                long w = commit(tableMfn, index, ol1e, nl1e, preserveAd);
                traceMod(1, tableMfn, index, ol1e, w, Rc.OK, "fast path");
                return Rc.OK;
            }
            int rc = getPageFromL1e(nl1e, pgOwner);
            if (rc < 0) {
                traceMod(1, tableMfn, index, ol1e, nl1e, rc, "get_page_from_l1e");
                return rc;
            }
            if (rc > 0) {
                nl1e ^= rc;
            }
        }
        long w = commit(tableMfn, index, ol1e, nl1e, preserveAd);
        putPageFromL1e(ol1e);
        traceMod(1, tableMfn, index, ol1e, w, Rc.OK, "validated");
        return Rc.OK;
    }

    /**
     * {@code mod_l2_entry}, {@code mod_l3_entry}, {@code mod_l4_entry} (one method, the level as a parameter).
     * Slot rules first (Xen-private L2 slots -EPERM, 32-bit L3 slot 3 -EINVAL, Xen L4 slots -EINVAL), then flags,
     * adjust, fast path, full {@code get_page_from_lNe}, store, and the old entry's references dropped.
     */
    @XenFunction(symbol = "mod_l2_entry", file = "xen/arch/x86/mm.c", version = "3.1, 4.22")
    int modUpperEntry(int level, long tableMfn, int index, long ne, boolean preserveAd) {
        PageInfo table = page(tableMfn);
        if (level == 2 && !isGuestL2Slot(table.paeXenL2(), index)) {
            traceMod(level, tableMfn, index, 0, ne, Rc.EPERM, "Xen-private slot");
            return Rc.EPERM;
        }
        if (level == 3 && d.pv32() && index >= 3) {
            traceMod(level, tableMfn, index, 0, ne, Rc.EINVAL, "32-bit L3 slot >= 3");
            return Rc.EINVAL;
        }
        if (level == 4 && !isGuestL4Slot(index)) {
            traceMod(level, tableMfn, index, 0, ne, Rc.EINVAL, "Xen-private slot");
            return Rc.EINVAL;
        }
        long oe = readEntry(tableMfn, index);
        if (Pte.present(ne)) {
            long mask = disallowMask(level);
            if (level == 2 && d.xen().bug(PvBug.XSA_148)) {
                mask &= ~Pte.PSE; // seeded XSA-148: PSE not in the L2 mask on the mod_l2_entry path
            }
            if ((ne & mask) != 0) {
                failure("disallowed flags " + Pte.flagNames(ne & mask));
                traceMod(level, tableMfn, index, oe, ne, Rc.EINVAL, "bad flags");
                return Rc.EINVAL;
            }
            // Xen's order (mod_lN_entry, 3.1 and 4.22): the fast-path comparison and get_page_from_lNe see the
            // guest's value; adjust_guest_lNe (which adds US, and RW on a 32-bit L3) applies only to what is stored.
            long compared = d.xen().bug(PvBug.XSA_182) ? Pte.P : d.profile().pdeFastPathCompared();
            if (level == 2 && d.xen().bug(PvBug.XSA_148)) {
                compared &= ~Pte.PSE; // seeded XSA-148: the fast path does not look at PSE
            }
            if (!Pte.hasChanged(oe, ne, compared)) {
                long w = commit(tableMfn, index, oe, adjustGuestUpper(level, ne), preserveAd);
                traceMod(level, tableMfn, index, oe, w, Rc.OK, "fast path");
                return Rc.OK;
            }
            int rc = getPageFromUpper(level, ne, tableMfn);
            if (rc < 0) {
                traceMod(level, tableMfn, index, oe, ne, rc, "get_page_from_l" + level + "e");
                return rc;
            }
            ne = adjustGuestUpper(level, ne);
        }
        long w = commit(tableMfn, index, oe, ne, preserveAd);
        putPageFromUpper(level, oe, tableMfn);
        traceMod(level, tableMfn, index, oe, w, Rc.OK, "validated");
        return Rc.OK;
    }

    private void traceMod(int level, long tableMfn, int index, long oe, long ne, int rc, String how) {
        trace().call("mod_l" + level + "_entry", "result", Rc.name(rc), "table", tableMfn, "slot", index, "old", oe,
                "new", ne, "path", how);
    }

    // ---- §4.6 base pointers ----

    /**
     * {@code new_guest_cr3} (MMUEXT_NEW_BASEPTR): the frame must take a root type reference (L4 for 64-bit guests,
     * validating the whole hierarchy); for a 32-bit guest the L3 goes into slot 0 of its Xen-built L4 through
     * {@code mod_l4_entry}-like rules. The LDT shadow is dropped, CR3 reloaded, the old base's reference dropped.
     */
    @XenFunction(symbol = "new_guest_cr3", file = "xen/arch/x86/pv/mm.c; 3.1: xen/arch/x86/mm.c", version = "3.1, 4.22")
    int newGuestCr3(PvVcpu v, long mfn) {
        resetFailure();
        PageType root = d.pv32() ? PageType.L3_PAGE_TABLE : PageType.L4_PAGE_TABLE;
        int rc = getPageAndTypeFromMfn(mfn, root, false);
        trace().call("new_guest_cr3", "mfn", mfn, "result", Rc.name(rc));
        if (rc != 0) {
            return rc;
        }
        d.invalidateShadowLdt(v);
        long old = v.guestTable;
        v.guestTable = mfn;
        if (d.pv32()) {
            writeEntry(v.compatL4, 0, Pte.of(mfn, Pte.P | Pte.RW | Pte.US | Pte.A));
        }
        d.writePtbase(v);
        if (old != 0) {
            PageRefs.putPageAndType(page(old), this);
        }
        return Rc.OK;
    }

    /**
     * {@code MMUEXT_NEW_USER_BASEPTR} (a case of {@code do_mmuext_op}, 64-bit only): the user L4 takes a root type
     * reference too; 0 = none.
     */
    int newUserBaseptr(PvVcpu v, long mfn) {
        resetFailure();
        if (mfn != 0) {
            int rc = getPageAndTypeFromMfn(mfn, PageType.L4_PAGE_TABLE, false);
            if (rc != 0) {
                return rc;
            }
        }
        long old = v.guestTableUser;
        v.guestTableUser = mfn;
        if (!v.kernelMode) {
            d.writePtbase(v);
        }
        if (old != 0) {
            PageRefs.putPageAndType(page(old), this);
        }
        return Rc.OK;
    }
}
