package xpf.sim.scenario.load;

import java.math.BigInteger;
import java.util.regex.Pattern;

/** Number syntax of scenario files: decimal or {@code 0x} hex, {@code _} separators, optional sign. */
public final class Values {
    private static final Pattern DEC = Pattern.compile("[+-]?[0-9][0-9_]*");
    private static final Pattern HEX = Pattern.compile("[+-]?0[xX][0-9a-fA-F_]+");
    static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private Values() {
    }

    /** The number {@code text} denotes, or null if it is not a number in the format's syntax. */
    public static BigInteger parseBig(String text) {
        String t = text.strip();
        boolean hex = HEX.matcher(t).matches();
        if (!hex && !DEC.matcher(t).matches()) {
            return null;
        }
        boolean neg = t.startsWith("-");
        if (t.startsWith("-") || t.startsWith("+")) {
            t = t.substring(1);
        }
        if (t.startsWith("_") || t.endsWith("_")) {
            return null;
        }
        t = t.replace("_", "");
        BigInteger v = hex ? new BigInteger(t.substring(2), 16) : new BigInteger(t, 10);
        return neg ? v.negate() : v;
    }

    /** {@code 0x1f}: how numbers print in messages and in written scenarios. */
    public static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    static String show(BigInteger v) {
        return v.signum() < 0 ? v.toString() : "0x" + v.toString(16);
    }
}
