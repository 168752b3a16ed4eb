package xpf.sim.scenario.load;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import java.util.regex.Pattern;
import xpf.model.scenario.Expectation;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.OutcomeFields;
import xpf.model.x86.Vectors;

/**
 * Reads {@code expect:}: the outcome class and any of its fields, nested maps flattened with dots
 * ({@code frame: {rip: 1}} is {@code frame.rip}). Each field must exist for that outcome class and each value must
 * normalise ({@link OutcomeFields#normalize}), so a typo is a load error with its location, not a failed run.
 */
final class Expectations {
    private static final Pattern SLOT = Pattern.compile("[a-z][a-z0-9_]*");
    private static final List<String> DELIVERED = List.of("vector", "error_code", "cr2", "handler", "frame.<slot>");
    private static final List<String> INJECTED = List.of("vector", "error_code", "cr2", "event.<field>",
            "delivery.<delivered field>");
    static final List<String> HYPERCALLS = List.copyOf(Hypercalls.ARGS.keySet());

    private final Ctx c;
    private final Dom dom;
    private final Dom.All doms;

    /** @param dom the step's domain: an expected {@code value} may be an entry expression over its frames */
    Expectations(Ctx c, Dom dom, Dom.All doms) {
        this.c = c;
        this.dom = dom;
        this.doms = doms;
    }

    private record Flat(Node.Entry entry, String path) {
    }

    Expectation read(Node n, String path) {
        Fields f = c.map(n, path);
        OutcomeClass oc = c.word(f.req("outcome"), f.p("outcome"), OutcomeClass::fromWire);
        SequencedMap<String, Flat> flat = new LinkedHashMap<>();
        for (Node.Entry e : f.node.entries().values()) {
            if (!e.key().equals("outcome")) {
                flatten(e, e.key(), path, flat);
            }
        }
        SequencedMap<String, String> fields = new LinkedHashMap<>();
        for (var kv : flat.entrySet()) {
            String key = kv.getKey();
            Node.Entry e = kv.getValue().entry();
            String p = kv.getValue().path();
            if (!allowed(oc, key)) {
                throw c.err(e.keyLocation(), p, "an outcome '" + oc.wireName() + "' has no field '" + key + "'"
                        + Ctx.suggestion(key, plainKeys(oc)) + " (fields: " + String.join(", ", keys(oc)) + ")");
            }
            Node v = e.value();
            if (!(v instanceof Node.Scalar s) || s.type() == Node.ScalarType.NULL) {
                throw c.err(v, p, "expected a value, got " + v.describe());
            }
            String raw = s.text().strip();
            if (key.equals("value") && Values.parseBig(raw) == null) {
                // "l1 | P|RW|US|A": an entry expression, kept as the number it denotes
                raw = Values.hex(Exprs.entry(c, v, p, dom, doms, true));
            }
            try {
                String norm = OutcomeFields.normalize(key, raw, vectorFor(oc, key, flat));
                if (leaf(key).equals("vector") && Long.parseLong(norm) > 255) {
                    throw new IllegalArgumentException("vector " + norm + " is out of range 0..255");
                }
                if (key.equals("hypercall") && !HYPERCALLS.contains(raw)) {
                    throw new IllegalArgumentException("unknown hypercall '" + raw + "' (expected "
                            + String.join(", ", HYPERCALLS) + ")");
                }
            } catch (IllegalArgumentException ex) {
                throw c.err(v, p, "bad " + leaf(key) + " '" + raw + "': " + message(ex));
            }
            fields.put(key, raw);
        }
        return new Expectation(oc, fields);
    }

    private static String message(IllegalArgumentException ex) {
        if (ex instanceof NumberFormatException) {
            return "not a number (decimal or 0x hex)";
        }
        return ex.getMessage();
    }

    private void flatten(Node.Entry e, String key, String base, SequencedMap<String, Flat> out) {
        String p = Ctx.join(base, key);
        if (e.value() instanceof Node.MapNode m) {
            for (Node.Entry inner : m.entries().values()) {
                flatten(inner, key + "." + inner.key(), base, out);
            }
            return;
        }
        if (out.containsKey(key)) {
            throw c.err(e.keyLocation(), p, "field '" + key + "' is given twice");
        }
        out.put(key, new Flat(e, p));
    }

    private static String leaf(String key) {
        return key.substring(key.lastIndexOf('.') + 1);
    }

    /** The vector that gives {@code key}'s error code its meaning: the expected vector beside it. */
    private static int vectorFor(OutcomeClass oc, String key, SequencedMap<String, Flat> flat) {
        int dot = key.lastIndexOf('.');
        String prefix = dot < 0 ? "" : key.substring(0, dot + 1);
        if (prefix.isEmpty() && oc == OutcomeClass.DOUBLE_FAULT) {
            return Vectors.DF;
        }
        Flat v = flat.get(prefix + "vector");
        if (v != null && v.entry().value() instanceof Node.Scalar s) {
            BigInteger b = Values.parseBig(s.text());
            if (b != null && b.signum() >= 0 && b.bitLength() < 31) {
                return b.intValue();
            }
        }
        return -1;
    }

    static boolean allowed(OutcomeClass oc, String key) {
        return switch (oc) {
            case OK -> key.equals("value");
            case FIXED -> key.equals("fixup");
            case EMULATED -> key.equals("fixup") || key.equals("value");
            case DELIVERED -> delivered(key);
            case INJECTED, DOUBLE_FAULT -> List.of("vector", "error_code", "cr2").contains(key)
                    || sub(key, "event.") || key.startsWith("delivery.") && delivered(key.substring(9));
            case TRIPLE_FAULT -> key.equals("shutdown") || key.equals("cause");
            case DOMAIN_CRASH, PANIC -> key.equals("reason");
            case EXCEPTION -> List.of("vector", "error_code", "cr2").contains(key);
            case HYPERCALL -> List.of("hypercall", "rc", "done").contains(key);
        };
    }

    private static boolean delivered(String key) {
        return List.of("vector", "error_code", "cr2", "handler").contains(key) || sub(key, "frame.");
    }

    private static boolean sub(String key, String prefix) {
        return key.startsWith(prefix) && SLOT.matcher(key.substring(prefix.length())).matches();
    }

    static List<String> keys(OutcomeClass oc) {
        return switch (oc) {
            case OK -> List.of("value");
            case FIXED -> List.of("fixup");
            case EMULATED -> List.of("fixup", "value");
            case DELIVERED -> DELIVERED;
            case INJECTED, DOUBLE_FAULT -> INJECTED;
            case TRIPLE_FAULT -> List.of("shutdown", "cause");
            case DOMAIN_CRASH, PANIC -> List.of("reason");
            case EXCEPTION -> List.of("vector", "error_code", "cr2");
            case HYPERCALL -> List.of("hypercall", "rc", "done");
        };
    }

    private static List<String> plainKeys(OutcomeClass oc) {
        return keys(oc).stream().filter(k -> !k.contains("<")).toList();
    }
}
