package xpf.sim.scenario.load;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** One load: the file name for messages, and typed reads of located nodes that fail with a located message. */
final class Ctx {
    final String file;

    Ctx(String file) {
        this.file = file;
    }

    ScenarioLoadException err(Node n, String path, String message) {
        return new ScenarioLoadException(file, n.location(), path, message);
    }

    ScenarioLoadException err(Location l, String path, String message) {
        return new ScenarioLoadException(file, l, path, message);
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    static String index(String path, int i) {
        return path + "[" + i + "]";
    }

    Fields map(Node n, String path) {
        if (n instanceof Node.MapNode m) {
            return new Fields(this, m, path);
        }
        throw err(n, path, "expected a map, got " + n.describe());
    }

    Node.ListNode list(Node n, String path) {
        if (n instanceof Node.ListNode l) {
            return l;
        }
        throw err(n, path, "expected a list, got " + n.describe());
    }

    /** A scalar's text (for names and words); numbers and booleans are taken as written. */
    String str(Node n, String path) {
        if (n instanceof Node.Scalar s && s.type() != Node.ScalarType.NULL) {
            return s.text();
        }
        throw err(n, path, "expected a string, got " + n.describe());
    }

    boolean bool(Node n, String path) {
        if (n instanceof Node.Scalar s && s.type() == Node.ScalarType.BOOL) {
            return s.text().equalsIgnoreCase("true");
        }
        throw err(n, path, "expected true or false, got " + n.describe());
    }

    BigInteger big(Node n, String path) {
        if (n instanceof Node.Scalar s) {
            if (s.type() == Node.ScalarType.INT || s.type() == Node.ScalarType.STRING) {
                BigInteger v = Values.parseBig(s.text());
                if (v != null) {
                    return v;
                }
            }
            if (s.type() == Node.ScalarType.FLOAT) {
                throw err(n, path, "expected an integer, got " + n.describe());
            }
        }
        throw err(n, path, "expected a number (decimal or 0x hex), got " + n.describe());
    }

    /** A number in {@code min..max} (inclusive); out-of-range values are reported, never truncated. */
    long num(Node n, String path, long min, long max) {
        return num(n, path, BigInteger.valueOf(min), BigInteger.valueOf(max));
    }

    long num(Node n, String path, BigInteger min, BigInteger max) {
        BigInteger v = big(n, path);
        if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
            throw err(n, path, show(v, min, max) + " is out of range " + show(min, min, max) + ".."
                    + show(max, min, max));
        }
        return v.longValue();
    }

    /** An unsigned 64-bit number. */
    long u64(Node n, String path) {
        return num(n, path, BigInteger.ZERO, Values.U64_MAX);
    }

    int i32(Node n, String path, long min, long max) {
        return (int) num(n, path, min, max);
    }

    /** Small ranges print in decimal, large ones in hex. */
    private static String show(BigInteger v, BigInteger min, BigInteger max) {
        boolean small = max.compareTo(BigInteger.valueOf(65536)) <= 0;
        return small || v.signum() < 0 ? v.toString() : Values.show(v);
    }

    <T> T word(Node n, String path, Function<String, T> fromWire) {
        String s = str(n, path);
        try {
            return fromWire.apply(s);
        } catch (IllegalArgumentException e) {
            throw err(n, path, e.getMessage() + hint(s, e.getMessage()));
        }
    }

    List<String> strings(Node n, String path) {
        Node.ListNode l = list(n, path);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < l.items().size(); i++) {
            out.add(str(l.items().get(i), index(path, i)));
        }
        return out;
    }

    /** Each item read with {@code fromWire}; a repeated item is an error. */
    <T> List<T> words(Node n, String path, Function<String, T> fromWire) {
        Node.ListNode l = list(n, path);
        List<T> out = new ArrayList<>();
        for (int i = 0; i < l.items().size(); i++) {
            Node item = l.items().get(i);
            T v = word(item, index(path, i), fromWire);
            if (out.contains(v)) {
                throw err(item, index(path, i), "'" + str(item, path) + "' is listed twice");
            }
            out.add(v);
        }
        return out;
    }

    /** ", did you mean 'x'?" when the expected words listed in {@code message} contain a close match. */
    static String hint(String given, String message) {
        int open = message.indexOf("(expected ");
        if (open < 0) {
            return "";
        }
        String[] words = message.substring(open + 10).replaceAll("[()]", "").split("[ ,]+");
        return suggestion(given, List.of(words));
    }

    static String suggestion(String given, Collection<String> candidates) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String c : candidates) {
            if (c.equals("or") || c.isEmpty()) {
                continue;
            }
            int d = distance(given.toLowerCase(Locale.ROOT), c.toLowerCase(Locale.ROOT));
            if (d < bestD) {
                bestD = d;
                best = c;
            }
        }
        if (best == null || bestD == 0 || bestD > Math.max(1, Math.min(3, given.length() / 3))) {
            return "";
        }
        return "; did you mean '" + best + "'?";
    }

    /** Levenshtein distance (small strings only). */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
