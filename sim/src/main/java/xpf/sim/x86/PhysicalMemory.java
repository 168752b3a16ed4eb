package xpf.sim.x86;

import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * Sparse, little-endian physical memory: every location reads as zero until written.
 *
 * <p>Storage is word-granular: an open-addressing table from 8-byte word index to value (no boxing, no 4 KiB frame
 * allocated for a table that holds four entries), with a one-entry cache of the last word read, because a walk case
 * or a scenario touches few words of many frames. Iteration order never leaks into results: {@link #snapshotWords()}
 * returns a sorted map.
 */
public final class PhysicalMemory {
    private static final long EMPTY = Long.MIN_VALUE;

    /**
     * Open addressing with keys and values interleaved: slot {@code i} is {@code table[2i]} (word index, or EMPTY)
     * and {@code table[2i+1]} (its value), so a lookup touches one cache line, not two (each level of a page walk is
     * one lookup, and the next level's address depends on it).
     */
    private long[] table = new long[32];
    private int size;
    private long lastKey = EMPTY;
    private long lastVal;
    private LongConsumer writeObserver;

    public PhysicalMemory() {
        fillEmpty(table);
    }

    private static void fillEmpty(long[] t) {
        for (int i = 0; i < t.length; i += 2) {
            t[i] = EMPTY;
        }
    }

    /** A deep copy: the reference model and invariants compare states before and after an operation. */
    public PhysicalMemory copy() {
        PhysicalMemory c = new PhysicalMemory();
        c.table = table.clone();
        c.size = size;
        return c;
    }

    /**
     * Called with the physical address of every 8-byte word written (after the write). Used by tests and by the
     * harness to account for writes to page-table frames; {@code null} removes the observer.
     */
    public void setWriteObserver(LongConsumer observer) {
        this.writeObserver = observer;
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & mask;
    }

    /** Index (into {@link #table}, even) of {@code key}'s slot, or of the empty slot where it would go. */
    private int find(long key) {
        long[] t = table;
        int mask = (t.length >> 1) - 1;
        int i = slot(key, mask);
        while (t[2 * i] != EMPTY && t[2 * i] != key) {
            i = (i + 1) & mask;
        }
        return 2 * i;
    }

    /** Reads the aligned 8-byte word containing {@code pa}. */
    public long readWord(long pa) {
        long key = pa >>> 3;
        if (key == lastKey) {
            return lastVal;
        }
        // find(), with one load of the key per probe (the page walk's hot path).
        long[] t = table;
        int mask = (t.length >> 1) - 1;
        int i = slot(key, mask);
        long v = 0;
        for (long ki; (ki = t[2 * i]) != EMPTY; i = (i + 1) & mask) {
            if (ki == key) {
                v = t[2 * i + 1];
                break;
            }
        }
        lastKey = key;
        lastVal = v;
        return v;
    }

    /** Writes the aligned 8-byte word containing {@code pa}. */
    public void writeWord(long pa, long value) {
        long key = pa >>> 3;
        int i = find(key);
        if (table[i] == EMPTY) {
            if (value != 0) {
                table[i] = key;
                table[i + 1] = value;
                if (++size * 4 > table.length) {
                    grow();
                }
            }
        } else {
            table[i + 1] = value;
        }
        lastKey = key;
        lastVal = value;
        if (writeObserver != null) {
            writeObserver.accept(pa & ~7L);
        }
    }

    private void grow() {
        long[] old = table;
        table = new long[old.length * 2];
        fillEmpty(table);
        for (int j = 0; j < old.length; j += 2) {
            if (old[j] != EMPTY) {
                int i = find(old[j]);
                table[i] = old[j];
                table[i + 1] = old[j + 1];
            }
        }
    }

    /** Reads {@code size} (1, 2, 4 or 8) bytes at {@code pa}, little-endian; the access may be unaligned. */
    public long read(long pa, int size) {
        checkSize(size);
        int shift = (int) (pa & 7) * 8;
        if ((pa & 7) + size <= 8) {
            long w = readWord(pa);
            return size == 8 ? w : (w >>> shift) & ((1L << (size * 8)) - 1);
        }
        long v = 0;
        for (int i = 0; i < size; i++) {
            v |= read(pa + i, 1) << (8 * i);
        }
        return v;
    }

    /** Writes the low {@code size} bytes of {@code value} at {@code pa}, little-endian; may be unaligned. */
    public void write(long pa, int size, long value) {
        checkSize(size);
        if ((pa & 7) + size <= 8) {
            if (size == 8) {
                writeWord(pa, value);
                return;
            }
            int shift = (int) (pa & 7) * 8;
            long mask = ((1L << (size * 8)) - 1) << shift;
            long w = readWord(pa);
            writeWord(pa, (w & ~mask) | ((value << shift) & mask));
            return;
        }
        for (int i = 0; i < size; i++) {
            write(pa + i, 1, value >>> (8 * i));
        }
    }

    /**
     * Atomic compare-and-exchange of an aligned {@code size}-byte location (a locked read-modify-write cycle, as the
     * CPU uses for A/D updates, x86-paging.md §1.1e).
     *
     * @return true if the location held {@code expected} and now holds {@code update}
     */
    public boolean compareAndSet(long pa, int size, long expected, long update) {
        long cur = read(pa, size);
        long m = size == 8 ? -1L : (1L << (size * 8)) - 1;
        if ((cur & m) != (expected & m)) {
            return false;
        }
        write(pa, size, update);
        return true;
    }

    /** Zeroes a whole 4 KiB frame. */
    public void clearFrame(long pfn) {
        long base = pfn << 12;
        for (int w = 0; w < 512; w++) {
            long pa = base + 8L * w;
            int i = find(pa >>> 3);
            if (table[i] != EMPTY && table[i + 1] != 0) {
                writeWord(pa, 0);
            }
        }
    }

    /** Every non-zero 8-byte word, by physical address (a deterministic view for traces and diffs). */
    public SortedMap<Long, Long> snapshotWords() {
        TreeMap<Long, Long> out = new TreeMap<>();
        for (int j = 0; j < table.length; j += 2) {
            if (table[j] != EMPTY && table[j + 1] != 0) {
                out.put(table[j] << 3, table[j + 1]);
            }
        }
        return out;
    }

    private static void checkSize(int size) {
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            throw new IllegalArgumentException("access size " + size + " is not 1, 2, 4 or 8");
        }
    }
}
