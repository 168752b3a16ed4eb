package xpf.model.x86;

import java.util.StringJoiner;

/**
 * The #PF error-code bits (x86-paging.md §1.1d; Xen {@code PFEC_*} in asm/processor.h) and their symbolic form,
 * {@code P|W|U|RSVD|I|PK|SS}, the way XTF prints them. 0 prints as {@code 0}.
 */
public final class PfErrorCode {
    public static final int P = 1;
    public static final int W = 1 << 1;
    public static final int U = 1 << 2;
    public static final int RSVD = 1 << 3;
    public static final int I = 1 << 4;
    public static final int PK = 1 << 5;
    public static final int SS = 1 << 6;
    public static final int HLAT = 1 << 7;
    public static final int SGX = 1 << 15;
    /** Xen-internal synthetic bits (never architectural; must never reach a guest): asm/processor.h. */
    public static final int XEN_PAGE_PAGED = 1 << 16;
    public static final int XEN_PAGE_SHARED = 1 << 17;
    public static final int XEN_IMPLICIT = 1 << 18;
    /** Xen's {@code PFEC_arch_mask}: everything an injected error code may carry. */
    public static final int ARCH_MASK = 0xFFFF;

    private static final String[] NAMES = {"P", "W", "U", "RSVD", "I", "PK", "SS", "HLAT"};

    private PfErrorCode() {
    }

    public static String symbolic(Integer ec) {
        if (ec == null) {
            return "-";
        }
        if (ec == 0) {
            return "0";
        }
        StringJoiner j = new StringJoiner("|");
        int rest = ec;
        for (int b = 0; b < NAMES.length; b++) {
            if ((ec & (1 << b)) != 0) {
                j.add(NAMES[b]);
                rest &= ~(1 << b);
            }
        }
        if ((rest & SGX) != 0) {
            j.add("SGX");
            rest &= ~SGX;
        }
        if ((rest & XEN_PAGE_PAGED) != 0) {
            j.add("paged");
            rest &= ~XEN_PAGE_PAGED;
        }
        if ((rest & XEN_PAGE_SHARED) != 0) {
            j.add("shared");
            rest &= ~XEN_PAGE_SHARED;
        }
        if ((rest & XEN_IMPLICIT) != 0) {
            j.add("implicit");
            rest &= ~XEN_IMPLICIT;
        }
        if (rest != 0) {
            j.add("0x" + Integer.toHexString(rest));
        }
        return j.toString();
    }

    /** Parses "P|W|U" (any order, case-insensitive), a hex "0x7" or a decimal "7". */
    public static int parse(String s) {
        String t = s.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty error code");
        }
        if (t.startsWith("0x") || t.startsWith("0X")) {
            return Integer.parseUnsignedInt(t.substring(2), 16);
        }
        if (Character.isDigit(t.charAt(0))) {
            return Integer.parseInt(t);
        }
        int v = 0;
        for (String part : t.split("\\|")) {
            String p = part.trim().toUpperCase(java.util.Locale.ROOT);
            int bit = switch (p) {
                case "P" -> P;
                case "W", "WR" -> W;
                case "U", "US" -> U;
                case "RSVD" -> RSVD;
                case "I", "ID" -> I;
                case "PK" -> PK;
                case "SS" -> SS;
                case "HLAT" -> HLAT;
                case "SGX" -> SGX;
                default -> throw new IllegalArgumentException("unknown error-code bit '" + part.trim()
                        + "' (expected P, W, U, RSVD, I, PK, SS)");
            };
            v |= bit;
        }
        return v;
    }
}
