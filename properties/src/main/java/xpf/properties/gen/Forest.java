package xpf.properties.gen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
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
    /** Every entry written: key {@code table << INDEX_BITS | index} (so key order is table, then index) -> value. */
    private final EntryMap entries = new EntryMap();
    /** Table frame -> depth + 1 (0: not a table). */
    private final EntryMap depthOf = new EntryMap();
    private final List<Long> tablesInOrder = new ArrayList<>();
    private long next;
    private int tableCount;

    /** "pt0", "pt1", ...: table names without a string concatenation per table. */
    private static final String[] TABLE_NAMES = new String[64];

    static {
        for (int i = 0; i < TABLE_NAMES.length; i++) {
            TABLE_NAMES[i] = "pt" + i;
        }
    }

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
        int n = tableCount++;
        long f = frame(n < TABLE_NAMES.length ? TABLE_NAMES[n] : "pt" + n);
        depthOf.put(f, depth + 1L);
        tablesInOrder.add(f);
        return f;
    }

    /** Records that {@code frame} is (also) used as a table at {@code depth}. */
    public void markTable(long frame, int depth) {
        if (depth < 0) {
            throw new IllegalArgumentException("table depth " + depth);
        }
        if (!isTable(frame)) {
            tablesInOrder.add(frame);
            depthOf.put(frame, depth + 1L);
        }
    }

    public boolean isTable(long frame) {
        return depthOf.get(frame) != 0;
    }

    /** The depth a table was created at, or -1. */
    public int depth(long frame) {
        return (int) depthOf.get(frame) - 1;
    }

    public List<Long> tables() {
        return List.copyOf(tablesInOrder);
    }

    public void set(long table, int index, long value) {
        entries.put(key(table, index), value);
    }

    public long get(long table, int index) {
        return entries.get(key(table, index));
    }

    /** The indexes written in {@code table}, ascending. */
    public int[] indexesOf(long table) {
        long[] keys = entries.sortedKeys();
        int n = 0;
        int[] out = new int[keys.length];
        for (long k : keys) {
            if (k >>> INDEX_BITS == table) {
                out[n++] = (int) (k & ((1 << INDEX_BITS) - 1));
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** Entries per table of any mode fit in these bits (1024 4-byte entries at most). */
    private static final int INDEX_BITS = 11;

    private static long key(long table, int index) {
        if (table < 0 || table >>> (63 - INDEX_BITS) != 0 || index < 0 || index >= 1 << INDEX_BITS) {
            throw new IllegalArgumentException("no entry " + index + " of table " + table);
        }
        return table << INDEX_BITS | index;
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
        long[] keys = entries.sortedKeys();
        List<PteSpec> out = new ArrayList<>(keys.length);
        for (long k : keys) {
            out.add(new PteSpec(k >>> INDEX_BITS, (int) (k & ((1 << INDEX_BITS) - 1)), entries.get(k), null));
        }
        return out;
    }

    /** Every (table, index) written, in emission order. */
    public List<long[]> slots() {
        long[] keys = entries.sortedKeys();
        List<long[]> out = new ArrayList<>(keys.length);
        for (long k : keys) {
            out.add(new long[] {k >>> INDEX_BITS, k & ((1 << INDEX_BITS) - 1)});
        }
        return out;
    }

    /**
     * A small open-addressing map from non-negative long keys to long values (absent reads as 0), for the forest's
     * few dozen entries: no boxing and no tree per table. Order is imposed only when the entries are emitted
     * ({@link #sortedKeys}).
     */
    static final class EntryMap {
        private static final long EMPTY = -1;
        private long[] keys = newKeys(64);
        private long[] vals = new long[64];
        private int size;

        private static long[] newKeys(int n) {
            long[] k = new long[n];
            java.util.Arrays.fill(k, EMPTY);
            return k;
        }

        private static int slot(long key, int mask) {
            return (int) ((key * 0x9E3779B97F4A7C15L) >>> 40) & mask;
        }

        private int find(long key) {
            int mask = keys.length - 1;
            int i = slot(key, mask);
            for (long k; (k = keys[i]) != EMPTY && k != key; ) {
                i = (i + 1) & mask;
            }
            return i;
        }

        /** The key {@link #EMPTY} marks free slots, so its value lives here. */
        private boolean hasEmptyKey;
        private long emptyKeyValue;

        long get(long key) {
            if (key == EMPTY) {
                return hasEmptyKey ? emptyKeyValue : 0;
            }
            int i = find(key);
            return keys[i] == EMPTY ? 0 : vals[i];
        }

        void put(long key, long value) {
            if (key == EMPTY) {
                if (!hasEmptyKey) {
                    hasEmptyKey = true;
                    size++;
                }
                emptyKeyValue = value;
                return;
            }
            int i = find(key);
            if (keys[i] == EMPTY) {
                keys[i] = key;
                if (++size * 2 > keys.length) {
                    vals[i] = value;
                    grow();
                    return;
                }
            }
            vals[i] = value;
        }

        private void grow() {
            long[] ok = keys;
            long[] ov = vals;
            keys = newKeys(ok.length * 2);
            vals = new long[ok.length * 2];
            for (int j = 0; j < ok.length; j++) {
                if (ok[j] != EMPTY) {
                    int i = find(ok[j]);
                    keys[i] = ok[j];
                    vals[i] = ov[j];
                }
            }
        }

        int size() {
            return size;
        }

        /** The keys present, ascending. */
        long[] sortedKeys() {
            long[] out = new long[size];
            int n = 0;
            if (hasEmptyKey) {
                out[n++] = EMPTY;
            }
            for (long k : keys) {
                if (k != EMPTY) {
                    out[n++] = k;
                }
            }
            java.util.Arrays.sort(out);
            return out;
        }
    }
}
