package xpf.sim.scenario.load;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SequencedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The value syntaxes of docs/scenario-format.md "Values": frame refs, entry expressions ({@code "l1 | P|RW|US"}),
 * flag expressions (entry expressions without frames), address expressions ({@code pte(l1, 5)},
 * {@code addr(data, 0x10)}). The writer renders values back with {@link #renderEntry} and {@link #renderFlags}.
 */
final class Exprs {
    /** Flag names in render order, with their bits. */
    static final SequencedMap<String, Long> FLAGS = new LinkedHashMap<>();
    /** Accepted spellings that render as another name. */
    static final Map<String, String> ALIASES = Map.of("XD", "NX", "PAT", "PS");

    static {
        String[] low = {"P", "RW", "US", "PWT", "PCD", "A", "D", "PS", "G", "AVL0", "AVL1", "AVL2", "PAT_LARGE"};
        for (int b = 0; b < low.length; b++) {
            FLAGS.put(low[b], 1L << b);
        }
        FLAGS.put("GUEST_KERNEL", 1L << 52);
        FLAGS.put("NX", 1L << 63);
    }

    static final String FLAG_HELP = "P RW US PWT PCD A D PS PAT G NX XD PAT_LARGE AVL0 AVL1 AVL2 GUEST_KERNEL pk(N) bit(N)";
    private static final Pattern CALL = Pattern.compile("(?i)(pk|bit)\\s*\\(\\s*([^()]*?)\\s*\\)");
    private static final Pattern ADDR = Pattern.compile("(pte|addr)\\s*\\(\\s*([^,()]+?)\\s*,\\s*([^,()]+?)\\s*\\)");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");
    static final long PK_MASK = 0xFL << 59;

    private Exprs() {
    }

    /** A frame ref: a frame name of domain {@code d} (or {@code other.name}), or a frame number. */
    static long frame(Ctx c, Node n, String path, Dom d, Dom.All all) {
        if (n instanceof Node.Scalar s && (s.type() == Node.ScalarType.INT || s.type() == Node.ScalarType.STRING)) {
            return frameText(c, n, path, s.text().strip(), d, all);
        }
        throw c.err(n, path, "expected a frame (a name from frames, or a frame number), got " + n.describe());
    }

    static long frameText(Ctx c, Node n, String path, String text, Dom d, Dom.All all) {
        BigInteger v = Values.parseBig(text);
        if (v != null) {
            return checkFrame(c, n, path, v, d);
        }
        if (!NAME.matcher(text).matches()) {
            throw c.err(n, path, "'" + text + "' is not a frame name or number");
        }
        int dot = text.indexOf('.');
        Dom owner = d;
        String name = text;
        if (dot > 0) {
            owner = all.byName.get(text.substring(0, dot));
            name = text.substring(dot + 1);
            if (owner == null) {
                throw c.err(n, path, "unknown domain '" + text.substring(0, dot) + "' in frame '" + text + "'");
            }
        }
        Long f = owner.frames.get(name);
        if (f == null) {
            throw c.err(n, path, "unknown frame '" + name + "'" + Ctx.suggestion(name, owner.frames.keySet())
                    + " (frames of domain " + owner.name + ": "
                    + (owner.frames.isEmpty() ? "none" : String.join(", ", owner.frames.keySet())) + ")");
        }
        return f;
    }

    static long checkFrame(Ctx c, Node n, String path, BigInteger v, Dom d) {
        if (v.signum() < 0) {
            throw c.err(n, path, "frame " + v + " is negative");
        }
        if (v.compareTo(BigInteger.valueOf(d.frameLimit())) >= 0) {
            throw c.err(n, path, "frame " + Values.show(v) + " is at or above 2^(MAXPHYADDR-12) = "
                    + Values.hex(d.frameLimit()) + " (machine.maxphyaddr " + d.maxPhyAddr + ")");
        }
        return v.longValue();
    }

    /** An entry expression ({@code frames} true) or a flag expression; a plain number is raw bits. */
    static long entry(Ctx c, Node n, String path, Dom d, Dom.All all, boolean frames) {
        if (n instanceof Node.Scalar s && s.type() == Node.ScalarType.INT) {
            return c.u64(n, path);
        }
        if (!(n instanceof Node.Scalar s) || s.type() == Node.ScalarType.NULL) {
            throw c.err(n, path, "expected " + (frames ? "an entry expression (\"frame | P|RW|...\")"
                    : "flags (\"P|RW|...\")") + " or a number, got " + n.describe());
        }
        String text = s.text();
        long v = 0;
        String frameTerm = null;
        for (String raw : text.split("\\|", -1)) {
            String t = raw.strip();
            if (t.isEmpty()) {
                throw c.err(n, path, "empty term in '" + text + "' (terms are joined by single '|')");
            }
            String up = t.toUpperCase(Locale.ROOT);
            String canon = ALIASES.getOrDefault(up, up);
            if (FLAGS.containsKey(canon)) {
                v |= FLAGS.get(canon);
                continue;
            }
            Matcher m = CALL.matcher(t);
            if (m.matches()) {
                boolean pk = m.group(1).equalsIgnoreCase("pk");
                BigInteger k = Values.parseBig(m.group(2));
                int max = pk ? 15 : 63;
                if (k == null || k.signum() < 0 || k.compareTo(BigInteger.valueOf(max)) > 0) {
                    throw c.err(n, path, "'" + t + "' in '" + text + "': the argument must be 0.." + max);
                }
                v |= pk ? (k.longValue() << 59) : (1L << k.intValue());
                continue;
            }
            BigInteger num = Values.parseBig(t);
            if (num != null) {
                if (num.signum() < 0 || num.compareTo(Values.U64_MAX) > 0) {
                    throw c.err(n, path, "'" + t + "' in '" + text + "' is not a 64-bit unsigned number");
                }
                v |= num.longValue();
                continue;
            }
            if (!frames) {
                throw c.err(n, path, "unknown flag '" + t + "' in '" + text + "'" + Ctx.suggestion(t, FLAGS.keySet())
                        + " (flags: " + FLAG_HELP + ")");
            }
            if (!NAME.matcher(t).matches() || !known(t, d, all)) {
                List<String> cands = new ArrayList<>(FLAGS.keySet());
                cands.addAll(d.frames.keySet());
                throw c.err(n, path, "'" + t + "' in '" + text + "' is neither a flag nor a frame of domain " + d.name
                        + Ctx.suggestion(t, cands) + " (flags: " + FLAG_HELP + "; frames: "
                        + (d.frames.isEmpty() ? "none" : String.join(", ", d.frames.keySet())) + ")");
            }
            if (frameTerm != null) {
                throw c.err(n, path, "'" + text + "' names two frames ('" + frameTerm + "' and '" + t + "')");
            }
            frameTerm = t;
            v |= frameText(c, n, path, t, d, all) << 12;
        }
        return v;
    }

    private static boolean known(String t, Dom d, Dom.All all) {
        int dot = t.indexOf('.');
        if (dot < 0) {
            return d.frames.containsKey(t);
        }
        Dom o = all.byName.get(t.substring(0, dot));
        return o != null && o.frames.containsKey(t.substring(dot + 1));
    }

    /** An address expression: a number, {@code pte(TABLE, INDEX)} or {@code addr(FRAME, OFFSET)}. */
    static long address(Ctx c, Node n, String path, Dom d, Dom.All all) {
        if (!(n instanceof Node.Scalar s) || s.type() == Node.ScalarType.NULL || s.type() == Node.ScalarType.BOOL) {
            throw c.err(n, path, "expected an address (a number, pte(TABLE, INDEX) or addr(FRAME, OFFSET)), got "
                    + n.describe());
        }
        String text = s.text().strip();
        long limit = 1L << d.maxPhyAddr;
        BigInteger num = Values.parseBig(text);
        if (num != null) {
            if (num.signum() < 0 || num.compareTo(BigInteger.valueOf(limit)) >= 0) {
                throw c.err(n, path, "address " + Values.show(num) + " is outside physical memory (below "
                        + Values.hex(limit) + " with machine.maxphyaddr " + d.maxPhyAddr + ")");
            }
            return num.longValue();
        }
        Matcher m = ADDR.matcher(text);
        if (!m.matches()) {
            throw c.err(n, path, "'" + text + "' is not an address (a number, pte(TABLE, INDEX) or addr(FRAME, OFFSET))");
        }
        long frame = frameText(c, n, path, m.group(2), d, all);
        BigInteger k = Values.parseBig(m.group(3));
        boolean pte = m.group(1).equals("pte");
        int max = pte ? 4096 / d.entryWidth - 1 : 4095;
        if (k == null || k.signum() < 0 || k.compareTo(BigInteger.valueOf(max)) > 0) {
            throw c.err(n, path, "'" + text + "': the " + (pte ? "index" : "offset") + " must be a number 0.." + max
                    + (pte ? " (" + d.entryWidth + "-byte entries)" : ""));
        }
        return (frame << 12) + (pte ? k.longValue() * d.entryWidth : k.longValue());
    }

    /** {@code cr3}-like fields: a frame ref (the address is frame << 12) or {@code addr(FRAME, OFFSET)}. */
    static long frameAddress(Ctx c, Node n, String path, Dom d, Dom.All all) {
        if (n instanceof Node.Scalar s && s.type() == Node.ScalarType.STRING && s.text().strip().startsWith("addr")) {
            return address(c, n, path, d, all);
        }
        return frame(c, n, path, d, all) << 12;
    }

    // ---- rendering (the writer) ----

    /** Flags of {@code v} by name, other bits as one hex number: {@code "P|RW|US|0x600"}; "0" for zero. */
    static String renderFlags(long v) {
        List<String> parts = new ArrayList<>();
        long rest = v;
        for (Map.Entry<String, Long> f : FLAGS.entrySet()) {
            if (f.getValue() == 1L << 63) {
                continue;
            }
            if ((rest & f.getValue()) != 0) {
                parts.add(f.getKey());
                rest &= ~f.getValue();
            }
        }
        long pk = (rest & PK_MASK) >>> 59;
        if (pk != 0) {
            parts.add("pk(" + pk + ")");
            rest &= ~PK_MASK;
        }
        if ((rest & (1L << 63)) != 0) {
            parts.add("NX");
            rest &= ~(1L << 63);
        }
        if (rest != 0) {
            parts.add(Values.hex(rest));
        }
        return parts.isEmpty() ? "0" : String.join("|", parts);
    }

    /**
     * An entry with its frame by name when {@code names} has it ({@code "l1 | P|RW|US"}); null when the address bits
     * name no frame (callers then print the number).
     */
    static String renderEntry(long v, Map<Long, String> names) {
        long addr = v & 0x000F_FFFF_FFFF_F000L;
        String name = addr == 0 ? null : names.get(addr >>> 12);
        if (name == null) {
            return null;
        }
        long rest = v & ~addr;
        return rest == 0 ? name : name + " | " + renderFlags(rest);
    }
}
