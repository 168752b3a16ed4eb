package xpf.sim.xen.mm.shadow;

import xpf.model.x86.PagingMode;
import xpf.sim.trace.Trace;

/**
 * The TRC_SHADOW_* xentrace records of xen-hvm-fault-path.md §6: base 0x0040F000 + N, plus 0x100 for a PAE guest and
 * 0x200 for a 64-bit guest; {@code guest_va_t} and guest entries are one 32-bit word for 2-level guests (va also for
 * PAE), two words (low first) otherwise; {@code flags} is the per-CPU path-flag bitmap ({@code TRCE_SFLAG_*}).
 */
public final class ShadowTrace {
    public static final int TRC_SHADOW = 0x0040F000;
    public static final int NOT_SHADOW = 1;
    public static final int FAST_PROPAGATE = 2;
    public static final int FAST_MMIO = 3;
    public static final int FALSE_FAST_PATH = 4;
    public static final int MMIO = 5;
    public static final int FIXUP = 6;
    public static final int DOMF_DYING = 7;
    public static final int EMULATE = 8;
    public static final int EMULATE_UNSHADOW_USER = 9;
    public static final int EMULATE_UNSHADOW_EVTINJ = 10;
    public static final int EMULATE_UNSHADOW_UNHANDLED = 11;
    public static final int WRMAP_BF = 12;
    public static final int PREALLOC_UNPIN = 13;

    /** Path-flag bit numbers ({@code enum TRCE_SFLAG_*}, shadow/private.h). */
    public static final int SFLAG_SET_AD = 0;
    public static final int SFLAG_SET_A = 1;
    public static final int SFLAG_SHADOW_L1_GET_REF = 2;
    public static final int SFLAG_SHADOW_L1_PUT_REF = 3;
    public static final int SFLAG_SET_CHANGED = 5;
    public static final int SFLAG_SET_FLUSH = 6;
    public static final int SFLAG_WRMAP = 10;
    public static final int SFLAG_WRMAP_BRUTE_FORCE = 12;
    public static final int SFLAG_EARLY_UNSHADOW = 13;

    private static final String[] NAMES = {"", "TRC_SHADOW_NOT_SHADOW", "TRC_SHADOW_FAST_PROPAGATE",
        "TRC_SHADOW_FAST_MMIO", "TRC_SHADOW_FALSE_FAST_PATH", "TRC_SHADOW_MMIO", "TRC_SHADOW_FIXUP",
        "TRC_SHADOW_DOMF_DYING", "TRC_SHADOW_EMULATE", "TRC_SHADOW_EMULATE_UNSHADOW_USER",
        "TRC_SHADOW_EMULATE_UNSHADOW_EVTINJ", "TRC_SHADOW_EMULATE_UNSHADOW_UNHANDLED", "TRC_SHADOW_WRMAP_BF",
        "TRC_SHADOW_PREALLOC_UNPIN"};

    private ShadowTrace() {
    }

    /** {@code (GUEST_PAGING_LEVELS - 2) << 8}: 2-level (and unpaged) 0, PAE 1, 64-bit 2. */
    public static int levelBits(PagingMode m) {
        if (m == null || m == PagingMode.LEGACY2) {
            return 0;
        }
        return m == PagingMode.PAE ? 0x100 : 0x200;
    }

    public static int id(int event, PagingMode m) {
        return TRC_SHADOW | event | (event <= 11 ? levelBits(m) : 0);
    }

    /** A guest address or entry as payload words: one 32-bit word for narrow guests, else two (low first). */
    static long[] words(long v, boolean wide) {
        return wide ? new long[] {v & 0xFFFFFFFFL, v >>> 32} : new long[] {v & 0xFFFFFFFFL};
    }

    private static long[] concat(long[]... parts) {
        int n = 0;
        for (long[] p : parts) {
            n += p.length;
        }
        long[] out = new long[n];
        int i = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }

    /** Records of the form (gl1e, va, flags): NOT_SHADOW and FIXUP. */
    public static void gl1eVaFlags(Trace t, int event, PagingMode m, long gl1e, long va, int flags) {
        boolean wideEntry = m != null && m != PagingMode.LEGACY2;
        boolean wideVa = m == PagingMode.LONG4 || m == PagingMode.LONG5;
        t.xentrace(NAMES[event], id(event, m), concat(words(gl1e, wideEntry), words(va, wideVa),
                new long[] {Integer.toUnsignedLong(flags)}));
    }

    /** Records of the form (va): FAST_PROPAGATE, FAST_MMIO, FALSE_FAST_PATH, MMIO, DOMF_DYING. */
    public static void va(Trace t, int event, PagingMode m, long va) {
        boolean wideVa = m == PagingMode.LONG4 || m == PagingMode.LONG5;
        t.xentrace(NAMES[event], id(event, m), words(va, wideVa));
    }

    /** Records of the form (gfn, va, flags): the EMULATE_UNSHADOW_* ones. */
    public static void gfnVaFlags(Trace t, int event, PagingMode m, long gfn, long va, int flags) {
        boolean wide = m == PagingMode.LONG4 || m == PagingMode.LONG5;
        t.xentrace(NAMES[event], id(event, m), concat(words(gfn, m != null && m != PagingMode.LEGACY2),
                words(va, wide), new long[] {Integer.toUnsignedLong(flags)}));
    }

    /**
     * TRC_SHADOW_EMULATE: gl1e, the value written (capped at one PTE: the XSA-477 fix), va, flags:29 +
     * emulation_count:3.
     */
    public static void emulate(Trace t, PagingMode m, long gl1e, long writeVal, long va, int flags, int count) {
        boolean wideEntry = m != null && m != PagingMode.LEGACY2;
        boolean wideVa = m == PagingMode.LONG4 || m == PagingMode.LONG5;
        long word = (Integer.toUnsignedLong(flags) & 0x1FFFFFFFL) | ((long) (count & 7) << 29);
        t.xentrace(NAMES[EMULATE], id(EMULATE, m), concat(words(gl1e, wideEntry), words(writeVal, wideEntry),
                words(va, wideVa), new long[] {word}));
    }

    /** Records of the form (gfn): WRMAP_BF and PREALLOC_UNPIN (no level bits). */
    public static void gfn(Trace t, int event, long gfn) {
        t.xentrace(NAMES[event], id(event, null), gfn & 0xFFFFFFFFL);
    }
}
