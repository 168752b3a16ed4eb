package xpf.prop.stats;

import java.util.Locale;

/** Percent formatting fixed to one decimal and the ROOT locale, so output is the same on every machine. */
public final class Percent {
    private Percent() {
    }

    public static String format(double percent) {
        return String.format(Locale.ROOT, "%.1f%%", percent);
    }

    public static double of(int count, int total) {
        return total == 0 ? 0 : 100.0 * count / total;
    }
}
