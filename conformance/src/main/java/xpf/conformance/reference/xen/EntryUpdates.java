package xpf.conformance.reference.xen;

import static xpf.conformance.reference.xen.EntryFlags.present;

import xpf.model.scenario.Errno;
import xpf.model.xen.PvDomainView.FrameType;

/**
 * §4.7 {@code mod_l1_entry} ... {@code mod_l4_entry}: one validated update of a page-table entry, as ordered rules.
 * The result is 0 or a negative errno plus the tag of the rule that decided; the store and the dropped references of
 * the old entry are applied to the prediction's state.
 */
final class EntryUpdates {

    private EntryUpdates() {
    }

    record Result(long rc, String rule) {
        boolean ok() {
            return rc == 0;
        }
    }

    /** §8.8 "every validation failure returned -EINVAL" in 3.1. */
    static long collapse(PvState s, long rc) {
        return rc < 0 && s.has(XenVersionTable.ERRNO_COLLAPSED) ? -Errno.EINVAL : rc;
    }

    /**
     * §4.7 {@code mod_l1_entry}: disallowed flags → -EINVAL; fast path when only whitelisted flags change; else the
     * full §3.3 check (its errno); not-present entries only get the L1TF check; the old entry's references dropped.
     */
    static Result modL1(PvState s, long pteAddr, long newE, int pgOwner, boolean preserveAd) {
        long oldE = s.word(pteAddr);
        if (present(newE)) {
            if ((newE & EntryFlags.l1Disallow(s)) != 0) {
                return new Result(-Errno.EINVAL, "pv.3.3.1");
            }
            if (!s.xen31() && (newE & EntryFlags.GNTTAB) != 0) {
                throw new NotModelled("_PAGE_GNTTAB (bit 62) in an L1 entry: refused by debug builds only");
            }
            if (EntryFlags.fastPath(s, 1, oldE, newE)) {
                store(s, pteAddr, EntryFlags.adjustL1(s, newE), oldE, preserveAd);
                return new Result(0, s.has(XenVersionTable.FASTPATH_WHITELIST) ? "pv.4.7" : "pv.8.4");
            }
            PageTypes.L1Result r = PageTypes.getPageFromL1e(s, newE, pgOwner);
            if (!r.ok()) {
                return new Result(collapse(s, r.rc()), r.rule());
            }
            store(s, pteAddr, EntryFlags.adjustL1(s, newE ^ r.flips()), oldE, preserveAd);
        } else {
            PageTypes.l1tfCheck(s, newE);
            store(s, pteAddr, newE, oldE, preserveAd);
        }
        PageTypes.putPageFromL1e(s, oldE);
        return new Result(0, "pv.4.7");
    }

    /**
     * §4.7 {@code mod_l2_entry} .. {@code mod_l4_entry}: Xen-private slots refused; disallowed flags → -EINVAL; fast
     * path; else {@code get_page_from_lNe} (type of the level below, or the linear rule); the old entry's references
     * dropped.
     */
    static Result modUpper(PvState s, int level, long pteAddr, long tableMfn, long newE) {
        int slot = (int) ((pteAddr & 0xFFF) >>> 3);
        PvState.Frame table = s.frame(tableMfn);
        if (level == 2 && s.pv32() && table.paeXenL2) {
            throw new NotModelled("update of a 32-bit PV Xen L2 (pae_xen_l2): its Xen slots are not in the reference");
        }
        if (level == 3 && s.pv32()) {
            if (s.xen31()) {
                throw new NotModelled("32-bit PV L3 updates on Xen 3.1");
            }
            if (slot >= 3) {
                return new Result(-Errno.EINVAL, "pv.4.7");   // "mod_l3_entry: 32-bit guest slot ≥3 → -EINVAL"
            }
        }
        if (level == 4 && !PageTypes.guestSlot(s, 4, slot)) {
            return new Result(-Errno.EINVAL, "pv.4.7");       // "mod_l4_entry: Xen slot 256..271 → -EINVAL"
        }
        long oldE = s.word(pteAddr);
        if (present(newE)) {
            if ((newE & EntryFlags.disallow(s, level)) != 0) {
                return new Result(-Errno.EINVAL, level == 2 ? "pv.4.5" : "pv.4.3");
            }
            if (EntryFlags.fastPath(s, level, oldE, newE)) {
                store(s, pteAddr, EntryFlags.adjustUpper(s, level, newE), oldE, false);
                return new Result(0, s.has(XenVersionTable.FASTPATH_WHITELIST) ? "pv.4.7" : "pv.8.4");
            }
            long rc = PageTypes.getPageFromUpper(s, level, newE, tableMfn);
            if (rc != 0) {
                return new Result(collapse(s, rc), linearShape(s, level, newE, tableMfn) ? "pv.4.4" : "pv.4.3");
            }
            store(s, pteAddr, EntryFlags.adjustUpper(s, level, newE), oldE, false);
        } else {
            PageTypes.l1tfCheck(s, newE);
            store(s, pteAddr, newE, oldE, false);
        }
        PageTypes.putEntry(s, level, oldE, tableMfn);
        return new Result(0, "pv.4.7");
    }

    /** Whether a refused upper entry was a same-level (linear) entry, to name §4.4 as the deciding rule. */
    private static boolean linearShape(PvState s, int level, long e, long tableMfn) {
        PvState.Frame tg = s.frame(EntryFlags.mfn(e));
        return EntryFlags.mfn(e) == tableMfn || (tg != null && tg.type == FrameType.pageTable(level));
    }

    private static void store(PvState s, long addr, long value, long oldE, boolean preserveAd) {
        long v = preserveAd ? value | (oldE & (EntryFlags.A | EntryFlags.D)) : value;
        s.writeWord(addr, v);
    }
}
