package xpf.sim.walk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.Vendor;
import xpf.model.x86.WalkCase;
import xpf.model.x86.WalkOutcome;

/** The JSON-lines codec of docs/walk-service.md: strict input validation, fixed output key order. */
public final class WalkJson {

    /** A parsed input line: the echoed id and either a case or an error message. */
    public record Parsed(JsonNode id, WalkCase walkCase, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    private static final Set<String> TOP = Set.of("id", "mode", "maxphyaddr", "vendor", "page1gb", "cr0_wp",
            "cr4_pse", "cr4_pge", "cr4_smep", "cr4_smap", "cr4_pke", "cr4_pks", "efer_nxe", "eflags_ac", "pkru", "pkrs",
            "cr3", "memory", "access");
    private static final Set<String> IGNORED = Set.of("comment", "description", "expected", "tags", "name");
    private static final Set<String> ACCESS = Set.of("va", "kind", "cpl", "implicit", "stack");
    private static final BigInteger U64 = BigInteger.ONE.shiftLeft(64);

    private WalkJson() {
    }

    /** Thrown inside the parser for a bad value; turned into an error line. */
    private static final class Bad extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Bad(String m) {
            super(m, null, false, false);
        }
    }

    public static Parsed parseLine(String line) {
        JsonNode root;
        try {
            root = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            return new Parsed(NullNode.getInstance(), null, "malformed JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            return new Parsed(NullNode.getInstance(), null, "a case must be a JSON object");
        }
        JsonNode id = root.has("id") ? root.get("id") : NullNode.getInstance();
        try {
            return new Parsed(id, parseCase(root), null);
        } catch (Bad | IllegalArgumentException e) {
            return new Parsed(id, null, e.getMessage());
        }
    }

    private static WalkCase parseCase(JsonNode root) {
        for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!TOP.contains(k) && !IGNORED.contains(k)) {
                throw new Bad("unknown key '" + k + "'");
            }
        }
        PagingMode mode = wire("mode", () -> PagingMode.fromWire(text(root, "mode", true)));
        long mRaw = number(root, "maxphyaddr", 40);
        if (mRaw < CpuConfig.MIN_MAXPHYADDR || mRaw > CpuConfig.MAX_MAXPHYADDR) {
            throw new Bad("maxphyaddr: " + mRaw + " is outside 36..52");
        }
        int m = (int) mRaw;
        String vendor = text(root, "vendor", false);
        CpuConfig cpu = new CpuConfig(vendor == null ? Vendor.INTEL : wire("vendor", () -> Vendor.fromWire(vendor)),
                m, bool(root, "page1gb", true));
        long cr3 = number(root, "cr3", null);
        long pkru = number(root, "pkru", 0);
        long pkrs = number(root, "pkrs", 0);
        if ((pkru >>> 32) != 0) {
            throw new Bad("pkru: 0x" + Long.toHexString(pkru) + " is wider than 32 bits");
        }
        if ((pkrs >>> 32) != 0) {
            throw new Bad("pkrs: 0x" + Long.toHexString(pkrs) + " is wider than 32 bits");
        }
        PagingControls c = new PagingControls(mode, bool(root, "cr0_wp", false), bool(root, "cr4_pse", false),
                bool(root, "cr4_pge", false), bool(root, "cr4_smep", false), bool(root, "cr4_smap", false),
                bool(root, "cr4_pke", false), bool(root, "cr4_pks", false), bool(root, "efer_nxe", false),
                bool(root, "eflags_ac", false), (int) pkru, (int) pkrs, cr3);
        TreeMap<Long, Long> mem = new TreeMap<>();
        JsonNode memory = root.get("memory");
        if (memory != null && !memory.isNull()) {
            if (!memory.isObject()) {
                throw new Bad("memory: expected an object of \"address\": value");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = memory.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                mem.put(parseNumber("memory key '" + e.getKey() + "'", e.getKey()),
                        numberNode("memory[" + e.getKey() + "]", e.getValue()));
            }
        }
        JsonNode acc = root.get("access");
        if (acc == null || acc.isNull()) {
            throw new Bad("missing key 'access'");
        }
        if (!acc.isObject()) {
            throw new Bad("access: expected an object");
        }
        for (Iterator<String> it = acc.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!ACCESS.contains(k)) {
                throw new Bad("unknown key 'access." + k + "'");
            }
        }
        long va = prefixed(() -> number(acc, "va", null), "access.");
        String kindText = prefixed(() -> text(acc, "kind", true), "access.");
        AccessKind kind = wire("access.kind", () -> AccessKind.fromWire(kindText));
        long cpl = prefixed(() -> number(acc, "cpl", 0), "access.");
        if (cpl < 0 || cpl > 3) {
            throw new Bad("access.cpl: " + cpl + " is outside 0..3");
        }
        Access a = new Access(va, kind, (int) cpl, prefixed(() -> bool(acc, "implicit", false), "access."),
                prefixed(() -> bool(acc, "stack", false), "access."));
        WalkCase wc = new WalkCase(cpu, c, mem, a);
        String problem = WalkCaseRules.problem(wc);
        if (problem != null) {
            throw new Bad(problem);
        }
        return wc;
    }

    /** Runs an enum lookup, naming the key in its error. */
    private static <T> T wire(String key, java.util.function.Supplier<T> s) {
        try {
            return s.get();
        } catch (IllegalArgumentException e) {
            throw new Bad(key + ": " + e.getMessage());
        }
    }

    private static <T> T prefixed(java.util.function.Supplier<T> s, String prefix) {
        try {
            return s.get();
        } catch (Bad e) {
            throw new Bad(e.getMessage().startsWith("missing key '")
                    ? "missing key '" + prefix + e.getMessage().substring("missing key '".length())
                    : prefix + e.getMessage());
        }
    }

    private static String text(JsonNode o, String key, boolean required) {
        JsonNode n = o.get(key);
        if (n == null || n.isNull()) {
            if (required) {
                throw new Bad("missing key '" + key + "'");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw new Bad(key + ": expected a string, got " + n);
        }
        return n.asText();
    }

    private static boolean bool(JsonNode o, String key, boolean dflt) {
        JsonNode n = o.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isBoolean()) {
            throw new Bad(key + ": expected true or false, got " + n);
        }
        return n.asBoolean();
    }

    private static long number(JsonNode o, String key, Integer dflt) {
        JsonNode n = o.get(key);
        if (n == null || n.isNull()) {
            if (dflt == null) {
                throw new Bad("missing key '" + key + "'");
            }
            return dflt;
        }
        return numberNode(key, n);
    }

    private static long numberNode(String key, JsonNode n) {
        if (n.isIntegralNumber()) {
            BigInteger b = n.bigIntegerValue();
            if (b.signum() < 0 || b.compareTo(U64) >= 0) {
                throw new Bad(key + ": " + b + " is not a 64-bit unsigned value");
            }
            return b.longValue();
        }
        if (n.isTextual()) {
            return parseNumber(key, n.asText());
        }
        throw new Bad(key + ": expected an integer or a \"0x...\" string, got " + n);
    }

    private static long parseNumber(String key, String s) {
        try {
            String t = s.trim();
            BigInteger b = t.startsWith("0x") || t.startsWith("0X") ? new BigInteger(t.substring(2), 16)
                    : new BigInteger(t);
            if (b.signum() < 0 || b.compareTo(U64) >= 0) {
                throw new Bad(key + ": " + s + " is not a 64-bit unsigned value");
            }
            return b.longValue();
        } catch (NumberFormatException e) {
            throw new Bad(key + ": '" + s + "' is not a number (use decimal digits or 0x-prefixed hex)");
        }
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** The output line for an answered case, keys in the contract's order. */
    public static String outcomeLine(JsonNode id, WalkOutcome o) {
        return outcomeNode(id, o).toString();
    }

    /** The output object for an answered case (to embed it in other JSON). */
    public static ObjectNode outcomeNode(JsonNode id, WalkOutcome o) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.set("id", id == null ? NullNode.getInstance() : id);
        n.put("status", "ok");
        n.put("fault", o.fault());
        putInt(n, "vector", o.vector());
        putInt(n, "error_code", o.errorCode());
        n.put("cr2", o.cr2() == null ? null : hex(o.cr2()));
        n.put("pa", o.pa() == null ? null : hex(o.pa()));
        if (o.pageSize() == null) {
            n.putNull("page_size");
        } else {
            n.put("page_size", o.pageSize());
        }
        ObjectNode after = n.putObject("memory_after");
        o.memoryAfter().forEach((k, v) -> after.put(hex(k), hex(v)));
        var walk = n.putArray("walk");
        o.walk().forEach(a -> walk.add(hex(a)));
        if (o.note() != null) {
            n.put("note", o.note());
        }
        return n;
    }

    private static void putInt(ObjectNode n, String k, Integer v) {
        if (v == null) {
            n.putNull(k);
        } else {
            n.put(k, v);
        }
    }

    public static String errorLine(JsonNode id, String message) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.set("id", id == null ? NullNode.getInstance() : id);
        n.put("status", "error");
        n.put("message", message);
        return n.toString();
    }

    /** A case as one input line (used to print minimal failing cases that can be fed back to {@code xpf walk}). */
    public static String caseToLine(WalkCase c, JsonNode id) {
        return caseToLine(c, id, false, Map.<String, Object>of());
    }

    /**
     * A case as one input line. With {@code omitDefaults} keys holding the contract's default are left out (shorter
     * lines for reports); {@code notes} adds members under keys the contract ignores ({@code comment},
     * {@code description}, {@code expected}, {@code tags}, {@code name}), so the line still replays as is; a note is a
     * string or a {@link JsonNode}.
     */
    public static String caseToLine(WalkCase c, JsonNode id, boolean omitDefaults, Map<String, Object> notes) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        if (id != null && !id.isNull()) {
            n.set("id", id);
        }
        for (String key : notes.keySet()) {
            if (!IGNORED.contains(key)) {
                throw new IllegalArgumentException("'" + key + "' is not a key the walk contract ignores");
            }
        }
        PagingControls k = c.controls();
        n.put("mode", k.mode().wireName());
        if (!omitDefaults || c.cpu().maxPhyAddr() != 40) {
            n.put("maxphyaddr", c.cpu().maxPhyAddr());
        }
        if (!omitDefaults || c.cpu().vendor() != Vendor.INTEL) {
            n.put("vendor", c.cpu().vendor().wireName());
        }
        if (!omitDefaults || !c.cpu().page1gb()) {
            n.put("page1gb", c.cpu().page1gb());
        }
        putFlag(n, "cr0_wp", k.cr0Wp(), omitDefaults);
        putFlag(n, "cr4_pse", k.cr4Pse(), omitDefaults);
        putFlag(n, "cr4_pge", k.cr4Pge(), omitDefaults);
        putFlag(n, "cr4_smep", k.cr4Smep(), omitDefaults);
        putFlag(n, "cr4_smap", k.cr4Smap(), omitDefaults);
        putFlag(n, "cr4_pke", k.cr4Pke(), omitDefaults);
        putFlag(n, "cr4_pks", k.cr4Pks(), omitDefaults);
        putFlag(n, "efer_nxe", k.eferNxe(), omitDefaults);
        putFlag(n, "eflags_ac", k.eflagsAc(), omitDefaults);
        if (!omitDefaults || k.pkru() != 0) {
            n.put("pkru", hex(Integer.toUnsignedLong(k.pkru())));
        }
        if (!omitDefaults || k.pkrs() != 0) {
            n.put("pkrs", hex(Integer.toUnsignedLong(k.pkrs())));
        }
        n.put("cr3", hex(k.cr3()));
        ObjectNode mem = n.putObject("memory");
        c.memory().forEach((a, v) -> mem.put(hex(a), hex(v)));
        ObjectNode acc = n.putObject("access");
        acc.put("va", hex(c.access().va()));
        acc.put("kind", c.access().kind().wireName());
        if (!omitDefaults || c.access().cpl() != 0) {
            acc.put("cpl", c.access().cpl());
        }
        if (!omitDefaults || c.access().implicit()) {
            acc.put("implicit", c.access().implicit());
        }
        if (!omitDefaults || c.access().stack()) {
            acc.put("stack", c.access().stack());
        }
        notes.forEach((k2, v) -> {
            if (v instanceof JsonNode j) {
                n.set(k2, j);
            } else {
                n.put(k2, String.valueOf(v));
            }
        });
        return n.toString();
    }

    private static void putFlag(ObjectNode n, String key, boolean v, boolean omitDefaults) {
        if (!omitDefaults || v) {
            n.put(key, v);
        }
    }
}
