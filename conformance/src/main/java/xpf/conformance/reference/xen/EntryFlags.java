package xpf.conformance.reference.xen;

/**
 * The flag tables of PV page-table entries: which flag bits each level refuses (§3.3 rule 1, §4.3, §4.5, §8.6), the
 * fast-path whitelist (§4.7, §8.4) and the bits Xen adds when it stores a 64-bit guest's entry (§3.3
 * {@code adjust_guest_l1e}, §4.3 {@code adjust_guest_lNe}).
 */
final class EntryFlags {

    static final long P = 1L;
    static final long RW = 1L << 1;
    static final long US = 1L << 2;
    static final long PWT = 1L << 3;
    static final long PCD = 1L << 4;
    static final long A = 1L << 5;
    static final long D = 1L << 6;
    /** PSE in L2-L4 entries, PAT in L1 entries. */
    static final long PS_PAT = 1L << 7;
    static final long G = 1L << 8;
    static final long AVAIL = 0x7L << 9;
    /** {@code _PAGE_GUEST_KERNEL}, PTE bit 52 (one of the AVAIL_HIGH bits). */
    static final long GUEST_KERNEL = 1L << 52;
    /** PTE bits 52-62. */
    static final long AVAIL_HIGH = 0x7FFL << 52;
    static final long NX = 1L << 63;
    /** {@code _PAGE_GNTTAB}, PTE bit 62: refused in L1 entries by debug builds only (§3.3 rule 1). */
    static final long GNTTAB = 1L << 62;
    /** What Xen calls the flags of an entry: bits 0-11 and 52-63. */
    static final long FLAG_BITS = 0xFFFL | (0xFFFL << 52);
    /** The address field, bits 12-51. */
    static final long ADDR_BITS = ((1L << 52) - 1) & ~0xFFFL;
    static final long CACHE_ATTRS = PWT | PCD | PS_PAT;

    /** §3.3 rule 1 (today): every flag bit except P, RW, US, A, D, AVAIL, AVAIL_HIGH, NX. */
    static final long BASE_DISALLOW = FLAG_BITS & ~(P | RW | US | A | D | AVAIL | AVAIL_HIGH | NX);
    /** §4.3 "32-bit PV mask 0xFFFFF198" for L3 entries, as PTE bits (flag-word bits 12-23 are PTE bits 52-63). */
    static final long L3_DISALLOW_PV32 = 0x198L | (0xFFFL << 52);
    /** §4.5 "3.1 BASE_DISALLOW_MASK = 0xFF800180 &amp; ~NX: disallowed PSE/PAT and GLOBAL". */
    static final long BASE_DISALLOW_31 = PS_PAT | G;
    /**
     * §4.7 fast-path whitelist (XSA-182): changes confined to NX, AVAIL_HIGH, AVAIL, GLOBAL, D, A, US skip
     * validation.
     */
    static final long FASTPATH_WHITELIST = NX | AVAIL_HIGH | AVAIL | G | D | A | US;

    private EntryFlags() {
    }

    static long mfn(long entry) {
        return (entry & ADDR_BITS) >>> 12;
    }

    static boolean present(long entry) {
        return (entry & P) != 0;
    }

    /** §3.3 rule 1 / §8.6: the L1 flags this domain may not use. */
    static long l1Disallow(PvState s) {
        if (!s.has(XenVersionTable.L1_CACHE_ATTRS_DISALLOWED)) {
            return BASE_DISALLOW_31 & ~G;   // §4.5 "GLOBAL re-allowed at L1", §8.6 "allowed PCD/PWT"
        }
        long m = BASE_DISALLOW & ~G;        // §3.3 "L1_DISALLOW_MASK = (base | _PAGE_GNTTAB) minus GLOBAL"
        if (s.ioCapable()) {
            m &= ~CACHE_ATTRS;              // §3.3 "Domains allowed to flush caches ... may also set PWT/PCD/PAT"
        }
        return m;
    }

    /** §4.3 "L2: flags &amp; L2_DISALLOW_MASK (= base mask, so PSE is refused for PV today)". */
    static long l2Disallow(PvState s) {
        return s.xen31() ? BASE_DISALLOW_31 : BASE_DISALLOW;
    }

    /** §4.3 "L3: 64-bit mask = base; 32-bit PV mask 0xFFFFF198". */
    static long l3Disallow(PvState s) {
        if (s.xen31()) {
            return BASE_DISALLOW_31;
        }
        return s.pv32() ? L3_DISALLOW_PV32 : BASE_DISALLOW;
    }

    static long l4Disallow(PvState s) {
        return s.xen31() ? BASE_DISALLOW_31 : BASE_DISALLOW;
    }

    static long disallow(PvState s, int level) {
        return switch (level) {
            case 1 -> l1Disallow(s);
            case 2 -> l2Disallow(s);
            case 3 -> l3Disallow(s);
            case 4 -> l4Disallow(s);
            default -> throw new IllegalArgumentException("level " + level);
        };
    }

    /**
     * §4.7 / §8.4: the update may skip validation. Today: the frame, P, RW and the cache bits are unchanged (only
     * whitelisted flags differ). 3.1: at L1 frame, P and RW unchanged; at L2-L4 only frame and P.
     */
    static boolean fastPath(PvState s, int level, long oldE, long newE) {
        long compared;
        if (s.has(XenVersionTable.FASTPATH_WHITELIST)) {
            compared = ADDR_BITS | (FLAG_BITS & ~FASTPATH_WHITELIST);
        } else {
            compared = ADDR_BITS | P | (level == 1 ? RW : 0);
        }
        return ((oldE ^ newE) & compared) == 0;
    }

    /**
     * §3.3 {@code adjust_guest_l1e} (64-bit PV): kernel-only entries get US|GUEST_KERNEL; entries without
     * GUEST_KERNEL then get GLOBAL|US.
     */
    static long adjustL1(PvState s, long e) {
        if (!present(e) || s.pv32()) {
            return e;
        }
        if ((e & US) == 0) {
            e |= GUEST_KERNEL | US;
        }
        if ((e & GUEST_KERNEL) == 0) {
            e |= G | US;
        }
        return e;
    }

    /**
     * §4.3 "Upper-level adjust_guest_lNe add US (and A at L4) for 64-bit guests". A 32-bit (compat) guest's L3 entry
     * gets US|RW: its L3 is a PAE PDPT in the guest's view, whose entries have no RW/US bits, but Xen runs it under
     * 4-level paging where a clear bit there would restrict every mapping below (adjust_guest_l3e in
     * xen/arch/x86/pv/mm.h, Xen 4.22 HEAD c447b73: "!is_pv_32bit_domain(d) ? _PAGE_USER : _PAGE_USER | _PAGE_RW";
     * looked up for the property finding pv32-l3-effect-without-adjust, the reference omitted it).
     */
    static long adjustUpper(PvState s, int level, long e) {
        if (!present(e)) {
            return e;
        }
        if (s.pv32()) {
            return level == 3 ? e | US | RW : e;
        }
        return e | US | (level == 4 ? A : 0);
    }
}
