package xpf.sim.scenario.load;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The keys of one map in a scenario file, read by name; unknown keys are rejected by {@link #only}. */
final class Fields {
    final Ctx c;
    final Node.MapNode node;
    final String path;

    Fields(Ctx c, Node.MapNode node, String path) {
        this.c = c;
        this.node = node;
        this.path = path;
    }

    /** Rejects any key not in {@code allowed}, naming the closest allowed key. */
    Fields only(String... allowed) {
        return only(Arrays.asList(allowed));
    }

    Fields only(List<String> allowed) {
        Set<String> ok = new LinkedHashSet<>(allowed);
        for (Node.Entry e : node.entries().values()) {
            if (!ok.contains(e.key())) {
                throw c.err(e.keyLocation(), p(e.key()), "unknown key '" + e.key() + "'"
                        + Ctx.suggestion(e.key(), ok) + " (allowed here: " + String.join(", ", ok) + ")");
            }
        }
        return this;
    }

    /** Rejects {@code key} if present: it does not apply to this kind of thing ({@code why}). */
    void forbid(String key, String why) {
        Node.Entry e = node.entries().get(key);
        if (e != null) {
            throw c.err(e.keyLocation(), p(key), why);
        }
    }

    boolean has(String key) {
        return node.entries().containsKey(key);
    }

    /** The value of {@code key}, or null when absent. */
    Node get(String key) {
        Node.Entry e = node.entries().get(key);
        return e == null ? null : e.value();
    }

    Node req(String key) {
        Node n = get(key);
        if (n == null) {
            throw c.err(node.location(), p(key), "required key missing");
        }
        return n;
    }

    Node.Entry entry(String key) {
        return node.entries().get(key);
    }

    String p(String key) {
        return Ctx.join(path, key);
    }

    Location at() {
        return node.location();
    }

    // Typed shortcuts: absent keys give the default.

    String str(String key, String def) {
        Node n = get(key);
        return n == null ? def : c.str(n, p(key));
    }

    boolean bool(String key, boolean def) {
        Node n = get(key);
        return n == null ? def : c.bool(n, p(key));
    }

    long num(String key, long def, long min, long max) {
        Node n = get(key);
        return n == null ? def : c.num(n, p(key), min, max);
    }

    long u64(String key, long def) {
        Node n = get(key);
        return n == null ? def : c.u64(n, p(key));
    }

    long reqU64(String key) {
        return c.u64(req(key), p(key));
    }
}
