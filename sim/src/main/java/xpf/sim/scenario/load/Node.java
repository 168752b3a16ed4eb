package xpf.sim.scenario.load;

import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;

/**
 * A located document tree: what a YAML or JSON scenario file says, with the line and column of every key and value.
 * Built by {@link TreeReader} from the Jackson streaming parser's token locations, so that every load error can name
 * the exact place (Jackson's own tree model forgets locations).
 */
public sealed interface Node permits Node.MapNode, Node.ListNode, Node.Scalar {

    Location location();

    /** What the node is, for "expected a number, got a list" messages. */
    String describe();

    /** One key of a map: its text, where the key is, and its value. */
    record Entry(String key, Location keyLocation, Node value) {
    }

    /** A map in file order (duplicate keys are rejected while reading). */
    record MapNode(Location location, SequencedMap<String, Entry> entries) implements Node {
        public MapNode {
            entries = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(entries));
        }

        @Override
        public String describe() {
            return "a map";
        }
    }

    record ListNode(Location location, List<Node> items) implements Node {
        public ListNode {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /**
     * How the parser typed a scalar. YAML 1.2 rules for booleans: only {@code true}/{@code false} are booleans,
     * {@code yes}, {@code no}, {@code on}, {@code off} are strings (so {@code mode: off} means the word "off").
     */
    enum ScalarType { STRING, INT, FLOAT, BOOL, NULL }

    /** A scalar with its text exactly as written (numbers keep their hex digits and underscores). */
    record Scalar(Location location, String text, ScalarType type) implements Node {
        @Override
        public String describe() {
            return switch (type) {
                case STRING -> "the string '" + text + "'";
                case INT, FLOAT -> "the number " + text;
                case BOOL -> text;
                case NULL -> "null";
            };
        }
    }

    /**
     * The node as JSON text (for schema validation and for tools): numbers as JSON numbers (hex converted to
     * decimal), other scalars as written.
     */
    static String toJson(Node n) {
        StringBuilder b = new StringBuilder();
        appendJson(n, b);
        return b.toString();
    }

    private static void appendJson(Node n, StringBuilder b) {
        switch (n) {
            case MapNode m -> {
                b.append('{');
                boolean first = true;
                for (Entry e : m.entries().values()) {
                    if (!first) {
                        b.append(',');
                    }
                    first = false;
                    quote(e.key(), b);
                    b.append(':');
                    appendJson(e.value(), b);
                }
                b.append('}');
            }
            case ListNode l -> {
                b.append('[');
                for (int i = 0; i < l.items().size(); i++) {
                    if (i > 0) {
                        b.append(',');
                    }
                    appendJson(l.items().get(i), b);
                }
                b.append(']');
            }
            case Scalar s -> {
                switch (s.type()) {
                    case NULL -> b.append("null");
                    case BOOL -> b.append(s.text().toLowerCase(java.util.Locale.ROOT));
                    case INT -> {
                        BigInteger v = Values.parseBig(s.text());
                        if (v == null) {
                            quote(s.text(), b);
                        } else {
                            b.append(v);
                        }
                    }
                    case FLOAT -> b.append(s.text());
                    case STRING -> quote(s.text(), b);
                }
            }
        }
    }

    private static void quote(String s, StringBuilder b) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
