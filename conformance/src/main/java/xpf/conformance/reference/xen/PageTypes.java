package xpf.conformance.reference.xen;

import static xpf.conformance.reference.xen.EntryFlags.RW;
import static xpf.conformance.reference.xen.EntryFlags.mfn;
import static xpf.conformance.reference.xen.EntryFlags.present;

import xpf.model.scenario.Errno;
import xpf.model.xen.PvDomainView;
import xpf.model.xen.PvDomainView.FrameType;

/**
 * References and types (xen-pv-fault-path.md §3.3, §4.2-§4.4) on the prediction's private state: the
 * {@code get_page_from_l1e} rule table, type references with validation and de-validation, the per-level entry rules
 * and the linear-page-table rule. Return codes are 0 or a negative errno, as in Xen; {@link L1Result#flips} carries
 * the flags rule 2 flips.
 */
final class PageTypes {

    private PageTypes() {
    }

    /** The outcome of §3.3's {@code get_page_from_l1e}: rc (0 or -errno), the rule that decided, flags to flip. */
    record L1Result(long rc, String rule, long flips) {
        boolean ok() {
            return rc >= 0;
        }
    }

    static long einval() {
        return -Errno.EINVAL;
    }

    // ------------------------------------------------------------------------- §3.3 get_page_from_l1e, as rows

    /**
     * §3.3 "Present: get_page_from_l1e(nl1e, l1e_owner=d, pg_owner=d), rules in order". {@code pgOwner} is the
     * domain whose frames may be mapped (the caller for ptwr; FD for {@code mmu_update}); {@link
     * PvDomainView#DOMID_IO} reverts to the caller for the I/O permission check.
     */
    static L1Result getPageFromL1e(PvState s, long e, int pgOwner) {
        // rule 1: disallowed flags
        if ((e & EntryFlags.l1Disallow(s)) != 0) {
            return new L1Result(einval(), "pv.3.3.1", 0);
        }
        long mfn = mfn(e);
        PvState.Frame f = s.frame(mfn);
        // rule 2: invalid MFN (beyond RAM) or an I/O frame
        if (!s.ram(mfn) || (f != null && f.owner == PvDomainView.DOMID_IO)) {
            int who = pgOwner == PvDomainView.DOMID_IO ? s.domid : pgOwner;
            if (who != s.domid) {
                throw new NotModelled("I/O permission of another domain (pg_owner d" + who + ")");
            }
            if (!s.iomemPermitted(mfn)) {
                // "-EPERM (-EINVAL for the INVALID_MFN pattern)"
                long invalid = EntryFlags.ADDR_BITS >>> 12;
                return new L1Result(mfn == invalid ? einval() : -Errno.EPERM, "pv.3.3.2", 0);
            }
            if (!s.has(XenVersionTable.MMIO_RO_PATH)) {
                return new L1Result(0, "pv.3.3.2", 0);   // 3.1: permission is all
            }
            long flips = 0;
            // "in mmio_ro_ranges with RW → flip RW off"
            if (s.view.mmioRoFrames().contains(mfn) && (e & RW) != 0) {
                flips |= RW;
            }
            // "Cacheable memory types are flipped to UC": WB → PCD|PWT; WT (PWT) and WP (PWT|PAT) → PCD
            long cache = e & EntryFlags.CACHE_ATTRS;
            if (cache == 0) {
                flips |= EntryFlags.PCD | EntryFlags.PWT;
            } else if (cache == EntryFlags.PWT || cache == (EntryFlags.PWT | EntryFlags.PS_PAT)) {
                flips |= EntryFlags.PCD | (cache & EntryFlags.PS_PAT);
            }
            return new L1Result(flips, "pv.3.3.2", flips);
        }
        // rule 3: "Real owner ≠ pg_owner → -EBUSY. A guest can never map a frame it does not own through ptwr."
        if (f == null || f.owner != pgOwner) {
            return new L1Result(s.xen31() ? einval() : -Errno.EBUSY, "pv.3.3.3", 0);
        }
        f.count++;
        // rule 5: "RW mapping → must obtain a PGT_writable_page type reference ... → -EBUSY"
        if ((e & RW) != 0 && getType(s, f, FrameType.WRITABLE, false) != 0) {
            f.count--;
            return new L1Result(s.xen31() ? einval() : -Errno.EBUSY, "pv.3.3.5", 0);
        }
        return new L1Result(0, "pv.3.3", 0);
    }

    /** §3.4 "drop the references held by the old PTE": RW drops general + writable type refs, RO a general ref. */
    static void putPageFromL1e(PvState s, long e) {
        if (!present(e)) {
            return;
        }
        long mfn = mfn(e);
        PvState.Frame f = s.frame(mfn);
        if (!s.ram(mfn) || f == null || f.owner == PvDomainView.DOMID_IO) {
            return;
        }
        if ((e & RW) != 0) {
            putType(s, f);
        }
        putPage(f);
    }

    // ------------------------------------------------------------------------- §4.2 type references

    /**
     * §4.2 {@code _get_page_type}: types are mutually exclusive and change only at type count 0; a page-table or
     * descriptor type is validated when it is first taken (§4.3); a failed validation leaves the frame untyped.
     */
    static long getType(PvState s, PvState.Frame f, FrameType t, boolean xenL2) {
        if (f.typeCount == 0) {
            if (f.type != t || f.paeXenL2 != xenL2) {
                f.type = t;
                f.paeXenL2 = xenL2;
                f.validated = t == FrameType.WRITABLE || t == FrameType.SHARED;   // "writable/shared need none"
            }
            f.typeCount = 1;
            if (!f.validated) {
                long rc = validate(s, f, t);
                if (rc != 0) {
                    f.typeCount = 0;
                    f.type = FrameType.NONE;
                    f.paeXenL2 = false;
                    f.validated = false;
                    return rc;
                }
                f.validated = true;
            }
            return 0;
        }
        if (f.type != t || f.paeXenL2 != xenL2) {
            return einval();   // "Getting a different type with count>0 fails (-EINVAL)"
        }
        if (!f.validated) {
            throw new NotModelled("type reference on a partially validated frame 0x" + Long.toHexString(f.mfn));
        }
        f.typeCount++;
        return 0;
    }

    /** §4.2 "When a page-table type count drops to 0 the type is de-validated (all entries' references dropped)". */
    static void putType(PvState s, PvState.Frame f) {
        if (f.typeCount <= 0) {
            throw new NotModelled(CORRUPTED + Long.toHexString(f.mfn));
        }
        f.typeCount--;
        if (f.typeCount == 0 && f.type.level() > 0 && f.validated) {
            f.validated = false;
            devalidate(s, f);
        }
    }

    /** {@code get_page_and_type_from_mfn}: a general reference on a frame the domain owns, then the type. */
    static long getPageAndType(PvState s, long mfn, FrameType t, boolean xenL2) {
        PvState.Frame f = s.frame(mfn);
        if (f == null || f.owner != s.domid) {
            return einval();
        }
        f.count++;
        long rc = getType(s, f, t, xenL2);
        if (rc != 0) {
            f.count--;
        }
        return rc;
    }

    static void putPageAndType(PvState s, PvState.Frame f) {
        putType(s, f);
        putPage(f);
    }

    /**
     * Dropping a reference nobody holds only happens when page tables were changed behind Xen's back (host
     * writes): the reference counts no longer describe the tables and the reference's rules do not apply.
     */
    static final String CORRUPTED = "a reference dropped that was never taken (tables changed behind Xen's back), "
            + "frame 0x";

    static void putPage(PvState.Frame f) {
        if (f.count <= 0) {
            throw new NotModelled(CORRUPTED + Long.toHexString(f.mfn));
        }
        f.count--;
    }

    // ------------------------------------------------------------------------- §4.3 validation per level

    /** The guest slots of a table of this level: L4 skips Xen's slots 256..271 (§4.3). */
    static boolean guestSlot(PvState s, int level, int i) {
        return level != 4 || i < 256 || i > 271;
    }

    private static long validate(PvState s, PvState.Frame f, FrameType t) {
        if (t == FrameType.SEG_DESC) {
            // §2.4 "take ... a PGT_seg_desc_page type ref (this validates the descriptors)": the reference does not
            // give the descriptor rules; an all-zero page (no descriptor present) is valid under any rules.
            for (int i = 0; i < 512; i++) {
                if (s.word((f.mfn << 12) + 8L * i) != 0) {
                    throw new NotModelled("descriptor validation of a non-empty page (rules not in the reference)");
                }
            }
            return 0;
        }
        int level = t.level();
        if (s.pv32() && (level == 3 || f.paeXenL2)) {
            throw new NotModelled("validation of a 32-bit PV L3 / Xen L2 (pae_xen_l2 slots)");
        }
        long base = f.mfn << 12;
        for (int i = 0; i < 512; i++) {
            if (!guestSlot(s, level, i)) {
                continue;
            }
            long e = s.word(base + 8L * i);
            long rc;
            if (!present(e)) {
                l1tfCheck(s, e);
                continue;
            }
            if (level == 1) {
                L1Result r = getPageFromL1e(s, e, s.domid);
                rc = r.rc() < 0 ? r.rc() : 0;
                if (rc == 0) {
                    long stored = EntryFlags.adjustL1(s, e ^ r.flips());
                    if (stored != e) {
                        s.writeWord(base + 8L * i, stored);
                    }
                }
            } else {
                rc = getPageFromUpper(s, level, e, f.mfn);
                if (rc == 0) {
                    long stored = EntryFlags.adjustUpper(s, level, e);
                    if (stored != e) {
                        s.writeWord(base + 8L * i, stored);
                    }
                }
            }
            if (rc != 0) {
                for (int j = i - 1; j >= 0; j--) {
                    if (guestSlot(s, level, j)) {
                        putEntry(s, level, s.word(base + 8L * j), f.mfn);
                    }
                }
                return rc;
            }
        }
        return 0;
    }

    private static void devalidate(PvState s, PvState.Frame f) {
        s.devalidated = true;
        int level = f.type.level();
        long base = f.mfn << 12;
        for (int i = 0; i < 512; i++) {
            if (guestSlot(s, level, i)) {
                putEntry(s, level, s.word(base + 8L * i), f.mfn);
            }
        }
    }

    /** The references one present entry of a level-{@code level} table in frame {@code tableMfn} holds. */
    static void putEntry(PvState s, int level, long e, long tableMfn) {
        if (level == 1) {
            putPageFromL1e(s, e);
            return;
        }
        if (!present(e)) {
            return;
        }
        if ((e & EntryFlags.PS_PAT) != 0) {
            throw new NotModelled("a superpage entry in a PV table (never validated: PSE is refused)");
        }
        long target = mfn(e);
        if (target == tableMfn) {
            return;   // §4.4.2 "self-reference ... needs no extra refcount"
        }
        PvState.Frame tg = s.frame(target);
        if (tg == null) {
            return;
        }
        PvState.Frame table = s.frame(tableMfn);
        if (table != null && tg.type == table.type && s.has(XenVersionTable.LINEAR_DEPTH_LIMIT)) {
            tg.linearCount++;      // dec_linear_uses
            table.linearCount--;   // dec_linear_entries
        }
        putPageAndType(s, tg);
    }

    /** §4.3 L2/L3/L4 entry check ({@code get_page_from_l2e/l3e/l4e}) for a present entry. */
    static long getPageFromUpper(PvState s, int level, long e, long tableMfn) {
        if ((e & EntryFlags.disallow(s, level)) != 0) {
            return einval();
        }
        FrameType lower = FrameType.pageTable(level - 1);
        long rc = getPageAndType(s, mfn(e), lower, false);
        boolean linearAllowed = !(level == 3 && s.pv32());   // §4.3 "linear rule only for 64-bit guests (XSA-185)"
        if (rc == einval() && linearAllowed && linear(s, level, e, tableMfn)) {
            return 0;
        }
        return rc;
    }

    // ------------------------------------------------------------------------- §4.4 linear page tables

    /**
     * §4.4 {@code define_get_linear_pagetable}: a same-level entry is allowed read-only; a self-reference costs
     * nothing; otherwise (today) containing table and target owned by the domain, target a validated table of the
     * same level, depth one via {@code linear_pt_count}. 3.1 (§8.5): read-only, target owned and validated, no depth
     * limit.
     */
    static boolean linear(PvState s, int level, long e, long tableMfn) {
        if ((e & RW) != 0) {
            return false;   // 1. "the entry must be read-only (RW=0)"
        }
        long target = mfn(e);
        if (target == tableMfn) {
            return true;    // 2. self-reference
        }
        FrameType same = FrameType.pageTable(level);
        PvState.Frame table = s.frame(tableMfn);
        PvState.Frame tg = s.frame(target);
        if (tg == null || tg.owner != s.domid) {
            return false;   // 3. target owned by d
        }
        boolean depthLimit = s.has(XenVersionTable.LINEAR_DEPTH_LIMIT);
        if (depthLimit) {
            if (table == null || table.owner != s.domid) {
                return false;   // 3. containing table owned by d
            }
            if (table.linearCount < 0 || tg.linearCount > 0) {
                return false;   // 4. "a table cannot be both"
            }
        }
        if (tg.type != same || !tg.validated || tg.typeCount == 0) {
            return false;   // 3. "target already validated with the same level type"
        }
        tg.count++;
        tg.typeCount++;
        if (depthLimit) {
            table.linearCount++;
            tg.linearCount--;
        }
        return true;
    }

    // ------------------------------------------------------------------------- §3.3 / §4.3 L1TF

    /**
     * §3.3 "Not present (P=0): only the L1TF check": whether the host is subject to L1TF checking and what
     * {@code l1tf_safe_maddr} is are not in the view, so a not-present entry with address bits set is not modelled
     * (today); with no address bits it is accepted without reference counting.
     */
    static void l1tfCheck(PvState s, long e) {
        if (s.has(XenVersionTable.L1TF_CHECK) && (e & EntryFlags.ADDR_BITS) != 0) {
            throw new NotModelled("L1TF check of a not-present entry with address bits (host L1TF state not in view)");
        }
    }
}
