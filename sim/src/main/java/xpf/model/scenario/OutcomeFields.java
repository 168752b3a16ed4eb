package xpf.model.scenario;

import xpf.model.x86.PfErrorCode;
import xpf.model.x86.Vectors;

/**
 * Canonical rendering of outcome fields, and normalisation of expected values written by people, so that
 * {@code error_code: 0x3}, {@code error_code: "P|W"} and {@code error_code: 3} all match an actual {@code P|W}.
 */
public final class OutcomeFields {

    private OutcomeFields() {
    }

    public static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** #PF error codes symbolic; other vectors' error codes in hex. */
    public static String errorCode(int vector, int ec) {
        return vector == Vectors.PF ? PfErrorCode.symbolic(ec) : hex(Integer.toUnsignedLong(ec));
    }

    /**
     * Normalises an expected value for field {@code key} to the canonical form of {@link Outcome#fields()}.
     *
     * @param vector the expected or actual vector, to know how an error code renders (-1 if unknown: #PF assumed)
     * @throws IllegalArgumentException if the value cannot be read for that field
     */
    public static String normalize(String key, String raw, int vector) {
        String v = raw.trim();
        String leaf = key.contains(".") ? key.substring(key.lastIndexOf('.') + 1) : key;
        switch (leaf) {
            case "vector", "done" -> {
                return Long.toString(parseNumber(v));
            }
            case "error_code" -> {
                // an error-code slot of an exception frame or of raw injection fields is a plain number, also
                // under "delivery." (delivery.frame.error_code)
                if (key.startsWith("frame.") || key.startsWith("event.") || key.contains(".frame.")
                        || key.contains(".event.")) {
                    return hex(parseNumber(v));
                }
                if (vector == Vectors.PF || vector < 0) {
                    return PfErrorCode.symbolic(PfErrorCode.parse(v));
                }
                return hex(parseNumber(v));
            }
            case "rc" -> {
                return Errno.name(Errno.parse(v));
            }
            case "fixup", "reason", "shutdown", "cause", "hypercall" -> {
                return v;
            }
            default -> {
                return hex(parseNumber(v));
            }
        }
    }

    /** Decimal or 0x-prefixed hex (unsigned 64-bit), with optional '_' separators. */
    public static long parseNumber(String s) {
        String t = s.trim().replace("_", "");
        if (t.startsWith("0x") || t.startsWith("0X")) {
            return Long.parseUnsignedLong(t.substring(2), 16);
        }
        if (t.startsWith("-")) {
            return Long.parseLong(t);
        }
        return Long.parseUnsignedLong(t);
    }
}
