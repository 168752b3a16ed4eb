package xpf.conformance.walk;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.Vendor;
import xpf.model.x86.WalkCase;
import xpf.model.x86.WalkOutcome;

/**
 * The JSON-line forms of docs/walk-service.md for the conformance tools: a {@link WalkCase} as one input line
 * (so a failing case can be replayed with {@code ./xpf walk -}), a {@link WalkOutcome} as an output object, and a
 * small reader for input lines (replay of saved lines in tests). Addresses and entry values are written as
 * lowercase {@code 0x} hex strings; the writer emits keys in a fixed order, so the same case gives the same line.
 */
public final class WalkJson {

    /** Keys the contract ignores at the top level; everything else unknown is an input error. */
    private static final Set<String> IGNORED = Set.of("comment", "description", "expected", "tags", "name");
    private static final Set<String> TOP_KEYS = Set.of("id", "mode", "maxphyaddr", "vendor", "page1gb", "cr0_wp",
            "cr4_pse", "cr4_pge", "cr4_smep", "cr4_smap", "cr4_pke", "cr4_pks", "efer_nxe", "eflags_ac", "pkru", "pkrs",
            "cr3", "memory", "access");
    private static final Set<String> ACCESS_KEYS = Set.of("va", "kind", "cpl", "implicit", "stack");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private WalkJson() {
    }

    /**
     * One input line for a case. {@code id} is written as a JSON string (or {@code null}); with {@code omitDefaults}
     * the keys whose value is the contract's default are left out (shorter lines for reports). {@code extraMembers}
     * is appended verbatim before the closing brace (e.g. {@code "comment": ...}); it must use only keys the
     * contract ignores.
     */
    public static String caseLine(WalkCase c, String id, boolean omitDefaults, String extraMembers) {
        StringBuilder sb = new StringBuilder(256);
        PagingControls k = c.controls();
        CpuConfig cpu = c.cpu();
        sb.append("{\"id\":").append(id == null ? "null" : quote(id));
        sb.append(",\"mode\":").append(quote(k.mode().wireName()));
        if (!omitDefaults || cpu.maxPhyAddr() != 40) {
            sb.append(",\"maxphyaddr\":").append(cpu.maxPhyAddr());
        }
        if (!omitDefaults || cpu.vendor() != Vendor.INTEL) {
            sb.append(",\"vendor\":").append(quote(cpu.vendor().wireName()));
        }
        if (!omitDefaults || !cpu.page1gb()) {
            sb.append(",\"page1gb\":").append(cpu.page1gb());
        }
        bool(sb, "cr0_wp", k.cr0Wp(), omitDefaults);
        bool(sb, "cr4_pse", k.cr4Pse(), omitDefaults);
        bool(sb, "cr4_pge", k.cr4Pge(), omitDefaults);
        bool(sb, "cr4_smep", k.cr4Smep(), omitDefaults);
        bool(sb, "cr4_smap", k.cr4Smap(), omitDefaults);
        bool(sb, "cr4_pke", k.cr4Pke(), omitDefaults);
        bool(sb, "cr4_pks", k.cr4Pks(), omitDefaults);
        bool(sb, "efer_nxe", k.eferNxe(), omitDefaults);
        bool(sb, "eflags_ac", k.eflagsAc(), omitDefaults);
        if (!omitDefaults || k.pkru() != 0) {
            sb.append(",\"pkru\":").append(quote(hex(k.pkru() & 0xFFFF_FFFFL)));
        }
        if (!omitDefaults || k.pkrs() != 0) {
            sb.append(",\"pkrs\":").append(quote(hex(k.pkrs() & 0xFFFF_FFFFL)));
        }
        sb.append(",\"cr3\":").append(quote(hex(k.cr3())));
        sb.append(",\"memory\":{");
        boolean first = true;
        for (Map.Entry<Long, Long> e : c.memory().entrySet()) {
            sb.append(first ? "" : ",").append(quote(hex(e.getKey()))).append(':').append(quote(hex(e.getValue())));
            first = false;
        }
        sb.append('}');
        Access a = c.access();
        sb.append(",\"access\":{\"va\":").append(quote(hex(a.va())));
        sb.append(",\"kind\":").append(quote(a.kind().wireName()));
        if (!omitDefaults || a.cpl() != 0) {
            sb.append(",\"cpl\":").append(a.cpl());
        }
        if (!omitDefaults || a.implicit()) {
            sb.append(",\"implicit\":").append(a.implicit());
        }
        if (!omitDefaults || a.stack()) {
            sb.append(",\"stack\":").append(a.stack());
        }
        sb.append('}');
        if (extraMembers != null && !extraMembers.isEmpty()) {
            sb.append(',').append(extraMembers);
        }
        return sb.append('}').toString();
    }

    /** An outcome as the contract's output object ({@code "status": "ok"}), keys in the contract's order. */
    public static String outcomeObject(WalkOutcome o, String id) {
        StringBuilder sb = new StringBuilder(160);
        sb.append("{\"id\":").append(id == null ? "null" : quote(id)).append(",\"status\":\"ok\"");
        sb.append(",\"fault\":").append(o.fault());
        sb.append(",\"vector\":").append(o.vector() == null ? "null" : o.vector().toString());
        sb.append(",\"error_code\":").append(o.errorCode() == null ? "null" : o.errorCode().toString());
        sb.append(",\"cr2\":").append(o.cr2() == null ? "null" : quote(hex(o.cr2())));
        sb.append(",\"pa\":").append(o.pa() == null ? "null" : quote(hex(o.pa())));
        sb.append(",\"page_size\":").append(o.pageSize() == null ? "null" : o.pageSize().toString());
        sb.append(",\"memory_after\":{");
        boolean first = true;
        for (Map.Entry<Long, Long> e : o.memoryAfter().entrySet()) {
            sb.append(first ? "" : ",").append(quote(hex(e.getKey()))).append(':').append(quote(hex(e.getValue())));
            first = false;
        }
        sb.append("},\"walk\":[");
        List<Long> walk = o.walk();
        for (int i = 0; i < walk.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(quote(hex(walk.get(i))));
        }
        sb.append(']');
        if (o.note() != null) {
            sb.append(",\"note\":").append(quote(o.note()));
        }
        return sb.append('}').toString();
    }

    /**
     * Reads one input line back into a case (the inverse of {@link #caseLine}; accepts the contract's int or string
     * numbers). Throws {@link IllegalArgumentException} naming the key on anything the contract calls an input error
     * that a {@link WalkCase} cannot represent; it does not re-check the range rules of {@link WalkCaseValidity}.
     */
    public static WalkCase parseCase(String line) {
        JsonNode n;
        try {
            n = MAPPER.readTree(line);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!TOP_KEYS.contains(key) && !IGNORED.contains(key)) {
                throw new IllegalArgumentException("unknown key '" + key + "'");
            }
        }
        PagingMode mode = PagingMode.fromWire(text(n, "mode", null));
        int mp = (int) number(n, "maxphyaddr", 40);
        Vendor vendor = Vendor.fromWire(text(n, "vendor", "intel"));
        boolean page1gb = bool(n, "page1gb", true);
        if (!n.has("cr3")) {
            throw new IllegalArgumentException("missing key 'cr3'");
        }
        PagingControls c = new PagingControls(mode, bool(n, "cr0_wp", false), bool(n, "cr4_pse", false),
                bool(n, "cr4_pge", false), bool(n, "cr4_smep", false), bool(n, "cr4_smap", false),
                bool(n, "cr4_pke", false), bool(n, "cr4_pks", false), bool(n, "efer_nxe", false),
                bool(n, "eflags_ac", false), (int) number(n, "pkru", 0), (int) number(n, "pkrs", 0),
                number(n, "cr3", 0));
        TreeMap<Long, Long> memory = new TreeMap<>();
        JsonNode mem = n.get("memory");
        if (mem != null) {
            for (Map.Entry<String, JsonNode> e : mem.properties()) {
                memory.put(parseNumber(e.getKey(), "memory key"), numberValue(e.getValue(), "memory." + e.getKey()));
            }
        }
        JsonNode acc = n.get("access");
        if (acc == null || !acc.isObject()) {
            throw new IllegalArgumentException("missing key 'access'");
        }
        for (Iterator<String> it = acc.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!ACCESS_KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown key 'access." + key + "'");
            }
        }
        if (!acc.has("va")) {
            throw new IllegalArgumentException("missing key 'access.va'");
        }
        Access a = new Access(number(acc, "va", 0), AccessKind.fromWire(text(acc, "kind", null)),
                (int) number(acc, "cpl", 0), bool(acc, "implicit", false), bool(acc, "stack", false));
        return new WalkCase(new CpuConfig(vendor, mp, page1gb), c, memory, a);
    }

    /** Parses a contract number: a JSON int, or a string "0x..." (hex) or decimal digits. Unsigned 64-bit. */
    static long parseNumber(String s, String what) {
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return Long.parseUnsignedLong(s.substring(2), 16);
            }
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": '" + s + "' is not a number", e);
        }
    }

    private static long numberValue(JsonNode v, String what) {
        if (v.isTextual()) {
            return parseNumber(v.asText(), what);
        }
        if (v.isIntegralNumber()) {
            return v.bigIntegerValue().longValue();
        }
        throw new IllegalArgumentException(what + ": expected a number");
    }

    private static long number(JsonNode n, String key, long dflt) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? dflt : numberValue(v, key);
    }

    private static boolean bool(JsonNode n, String key, boolean dflt) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(key + ": expected true or false");
        }
        return v.booleanValue();
    }

    private static String text(JsonNode n, String key, String dflt) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            if (dflt == null) {
                throw new IllegalArgumentException("missing key '" + key + "'");
            }
            return dflt;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(key + ": expected a string");
        }
        return v.asText();
    }

    private static void bool(StringBuilder sb, String key, boolean v, boolean omitDefaults) {
        if (!omitDefaults || v) {
            sb.append(",\"").append(key).append("\":").append(v);
        }
    }

    public static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** A JSON string literal. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
