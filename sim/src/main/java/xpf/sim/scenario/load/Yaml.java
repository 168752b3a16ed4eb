package xpf.sim.scenario.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A small YAML emitter for written scenarios: maps and lists of already-rendered scalars, printed in flow style
 * ({@code {a: 1, b: 2}}) when short and in block style otherwise, so saved counterexamples read like hand-written
 * files.
 */
final class Yaml {
    private static final int WIDTH = 110;
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]*");
    private static final Pattern NUMBER = Pattern.compile("-?(0x[0-9a-f]+|[0-9]+)");
    private static final Set<String> WORDS = Set.of("true", "false", "yes", "no", "on", "off", "null", "y", "n");

    /** A scalar already in YAML syntax. */
    record Scalar(String yaml) {
    }

    /** A list always printed in block style, one item per line (domains, steps). */
    record Block(List<Object> items) {
    }

    /** An ordered map of key → Scalar / Map / List. */
    static final class YMap {
        final Map<String, Object> entries = new LinkedHashMap<>();
        /** Printed in block style even when it would fit on a line (a domain). */
        boolean block;

        YMap block() {
            block = true;
            return this;
        }

        YMap put(String key, Object value) {
            if (value != null) {
                entries.put(key, value);
            }
            return this;
        }

        YMap str(String key, String value) {
            return value == null ? this : put(key, string(value));
        }

        YMap num(String key, long value) {
            return put(key, new Scalar(Long.toString(value)));
        }

        YMap hex(String key, long value) {
            return put(key, new Scalar(Values.hex(value)));
        }

        YMap bool(String key, boolean value) {
            return put(key, new Scalar(Boolean.toString(value)));
        }
    }

    private Yaml() {
    }

    /** A string scalar: plain when that is unambiguous, else double-quoted. */
    static Scalar string(String s) {
        if (PLAIN.matcher(s).matches() && !WORDS.contains(s.toLowerCase(java.util.Locale.ROOT))) {
            return new Scalar(s);
        }
        return new Scalar(quote(s));
    }

    /** A value written by a person (an expectation): numbers stay plain, everything else as {@link #string}. */
    static Scalar value(String s) {
        return NUMBER.matcher(s).matches() ? new Scalar(s) : string(s);
    }

    /** A map key: plain for names and hex offsets, quoted when YAML could read it as something else. */
    static String key(String k) {
        boolean plain = PLAIN.matcher(k).matches() && !WORDS.contains(k.toLowerCase(java.util.Locale.ROOT));
        return plain || k.matches("0x[0-9a-f]+") ? k : quote(k);
    }

    static Scalar null_() {
        return new Scalar("null");
    }

    static List<Object> list(List<?> items) {
        return new ArrayList<>(items);
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** The document for a top-level map. */
    static String document(YMap root) {
        StringBuilder b = new StringBuilder();
        block(root, 0, b);
        return b.toString();
    }

    private static void block(YMap m, int indent, StringBuilder b) {
        for (Map.Entry<String, Object> e : m.entries.entrySet()) {
            entry(e.getKey(), e.getValue(), indent, b);
        }
    }

    private static void entry(String key, Object v, int indent, StringBuilder b) {
        String k = key(key);
        b.append(" ".repeat(indent)).append(k).append(':');
        String flow = flow(v);
        if (flow != null && indent + k.length() + 2 + flow.length() <= WIDTH) {
            b.append(' ').append(flow).append('\n');
            return;
        }
        b.append('\n');
        nested(v instanceof Block bl ? bl.items() : v, indent + 2, b);
    }

    private static void nested(Object v, int indent, StringBuilder b) {
        if (v instanceof YMap m) {
            block(m, indent, b);
        } else if (v instanceof List<?> l) {
            for (Object item : l) {
                listItem(item, indent, b);
            }
        } else {
            b.append(" ".repeat(indent)).append(((Scalar) v).yaml()).append('\n');
        }
    }

    private static void listItem(Object item, int indent, StringBuilder b) {
        String flow = flow(item);
        if (flow != null && indent + 2 + flow.length() <= WIDTH) {
            b.append(" ".repeat(indent)).append("- ").append(flow).append('\n');
            return;
        }
        if (item instanceof YMap m && !m.entries.isEmpty()) {
            // "- key: value" with the following keys aligned under the first
            StringBuilder inner = new StringBuilder();
            block(m, indent + 2, inner);
            b.append(" ".repeat(indent)).append("- ").append(inner.substring(indent + 2));
            return;
        }
        b.append(" ".repeat(indent)).append("-\n");
        nested(item, indent + 2, b);
    }

    /** The one-line flow form ({@code {a: 1}}, {@code [x, y]}; a scalar as is), or null for block-only values. */
    static String flow(Object v) {
        if (v instanceof Scalar s) {
            return s.yaml();
        }
        if (v instanceof Block bl) {
            return bl.items().isEmpty() ? "[]" : null;
        }
        if (v instanceof YMap m && m.block) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        if (v instanceof YMap m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> e : m.entries.entrySet()) {
                if (!first) {
                    b.append(", ");
                }
                first = false;
                String f = flow(e.getValue());
                if (f == null) {
                    return null;
                }
                b.append(key(e.getKey())).append(": ").append(f);
            }
            return b.append('}').toString();
        }
        List<?> l = (List<?>) v;
        b.append('[');
        for (int i = 0; i < l.size(); i++) {
            if (i > 0) {
                b.append(", ");
            }
            String f = flow(l.get(i));
            if (f == null) {
                return null;
            }
            b.append(f);
        }
        return b.append(']').toString();
    }
}
