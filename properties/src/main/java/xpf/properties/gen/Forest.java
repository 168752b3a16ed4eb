package xpf.properties.gen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.TreeMap;
import xpf.model.scenario.PteSpec;
import xpf.model.x86.PagingMode;

/**
 * A page-table forest under construction, in one domain's frame space (machine frames for bare and PV domains,
 * guest frames for HVM): named frames handed out in order, tables with their depth, and every entry written. The
 * generators build hierarchies with it (shared tables, self-maps, aliases, superpages, entries on the edge of
 * validity) and then emit {@code frames} and {@code page_tables} of a {@link xpf.model.scenario.DomainSpec}.
 *
 * <p>Every frame the forest hands out gets a name, so the domain owns it and the written scenario reads well.
 */
public final class Forest {

    private final PagingMode mode;
    private final SequencedMap<String, Long> frames = new LinkedHashMap<>();
    private final Map<Long, String> names = new HashMap<>();
    private final TreeMap<Long, TreeMap<Integer, Long>> entries = new TreeMap<>();
    private final Map<Long, Integer> depthOf = new HashMap<>();
    private final List<Long> tablesInOrder = new ArrayList<>();
    private long next;
    private int tableCount;

    public Forest(PagingMode mode, long firstFrame) {
        this.mode = mode;
        this.next = firstFrame;
    }

    public PagingMode mode() {
        return mode;
    }

    public int width() {
        return mode.entryBytes();
    }

    public int levels() {
        return Geometry.levels(mode);
    }

    /** A fresh frame named {@code name}. */
    public long frame(String name) {
        long f = next++;
        name(name, f);
        return f;
    }

    /** Names a frame picked by the caller (e.g. an aligned superpage base); allocation does not move. */
    public void name(String name, long frame) {
        if (frames.containsKey(name)) {
            throw new IllegalArgumentException("frame name " + name + " used twice");
        }
        frames.put(name, frame);
        names.putIfAbsent(frame, name);
    }

    /** Moves the allocation point (e.g. to an aligned base); never backwards. */
    public void skipTo(long frame) {
        next = Math.max(next, frame);
    }

    public long nextFrame() {
        return next;
    }

    /** A fresh table frame at {@code depth} (0 = root). */
    public long table(int depth) {
        long f = frame("pt" + tableCount++);
        depthOf.put(f, depth);
        tablesInOrder.add(f);
        return f;
    }

    /** Records that {@code frame} is (also) used as a table at {@code depth}. */
    public void markTable(long frame, int depth) {
        if (!depthOf.containsKey(frame)) {
            tablesInOrder.add(frame);
        }
        depthOf.putIfAbsent(frame, depth);
    }

    public boolean isTable(long frame) {
        return depthOf.containsKey(frame);
    }

    /** The depth a table was created at, or -1. */
    public int depth(long frame) {
        return depthOf.getOrDefault(frame, -1);
    }

    public List<Long> tables() {
        return List.copyOf(tablesInOrder);
    }

    public void set(long table, int index, long value) {
        entries.computeIfAbsent(table, k -> new TreeMap<>()).put(index, value);
    }

    public long get(long table, int index) {
        TreeMap<Integer, Long> t = entries.get(table);
        Long v = t == null ? null : t.get(index);
        return v == null ? 0 : v;
    }

    /**
     * Maps {@code va} with {@code leaf} (address bits and flags, PS included for large leaves) at {@code leafDepth},
     * creating missing tables below {@code root} with {@code upperFlags}. Existing present entries on the way are
     * followed (so mappings share tables); a large leaf on the way is replaced by a new table.
     *
     * @return the table frame holding the leaf
     */
    public long map(long root, long va, long leaf, int leafDepth, long upperFlags) {
        long table = root;
        for (int depth = 0; depth < leafDepth; depth++) {
            int idx = Geometry.index(mode, va, depth);
            long e = get(table, idx);
            boolean pdpt = mode == PagingMode.PAE && depth == 0;
            if ((e & Geometry.P) == 0 || (!pdpt && (e & Geometry.PS) != 0) || !isTable(e >>> 12 & 0xFFFFFFFFFFL)) {
                long t = table(depth + 1);
                set(table, idx, (t << 12) | (pdpt ? Geometry.P : upperFlags));
                table = t;
            } else {
                table = (e >>> 12) & 0xFFFFFFFFFFL;
            }
        }
        set(table, Geometry.index(mode, va, leafDepth), leaf);
        return table;
    }

    /** The table that holds {@code va}'s entry at {@code depth} under {@code root}, or -1 if the path is missing. */
    public long tableOf(long root, long va, int depth) {
        long table = root;
        for (int d = 0; d < depth; d++) {
            long e = get(table, Geometry.index(mode, va, d));
            boolean pdpt = mode == PagingMode.PAE && d == 0;
            if ((e & Geometry.P) == 0 || (!pdpt && (e & Geometry.PS) != 0)) {
                return -1;
            }
            table = (e >>> 12) & 0xFFFFFFFFFFL;
            if (!isTable(table)) {
                return -1;
            }
        }
        return table;
    }

    public SequencedMap<String, Long> frames() {
        return frames;
    }

    public String nameOf(long frame) {
        return names.get(frame);
    }

    /** The entries written, table by table in frame order, index order within a table. */
    public List<PteSpec> pageTables() {
        List<PteSpec> out = new ArrayList<>();
        entries.forEach((table, m) -> m.forEach((idx, v) -> out.add(new PteSpec(table, idx, v, null))));
        return out;
    }

    /** Every (table, index) written, in emission order. */
    public List<long[]> slots() {
        List<long[]> out = new ArrayList<>();
        entries.forEach((table, m) -> m.forEach((idx, v) -> out.add(new long[] {table, idx})));
        return out;
    }
}
