package xpf.prop.choice;

import java.security.SecureRandom;

/**
 * One master seed per run; try {@code n} draws from its own seed {@code forTry(master, n)}, so any try can be
 * replayed alone and adding tries never changes what earlier tries generate.
 */
public final class Seeds {
    private Seeds() {
    }

    /** The seed of try {@code tryIndex} of a run with master seed {@code master}. */
    public static long forTry(long master, long tryIndex) {
        // Two rounds of mixing so neighbouring masters and neighbouring tries give unrelated streams.
        return SplitMix64.mix(SplitMix64.mix(master) + (tryIndex + 1) * SplitMix64.GOLDEN_GAMMA);
    }

    /** A fresh master seed when none is given; printed with every result so the run can be repeated. */
    public static long fresh() {
        return new SecureRandom().nextLong() >>> 1;
    }

    /** Parses a seed written as decimal or {@code 0x} hex; the message names the property it came from. */
    public static long parse(String text, String source) {
        String t = text.strip();
        try {
            if (t.startsWith("0x") || t.startsWith("0X")) {
                return Long.parseUnsignedLong(t.substring(2), 16);
            }
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + " must be a decimal or 0x-hex long, got '" + text + "'", e);
        }
    }
}
