package xpf.sim.x86;

import java.util.Arrays;
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

    private long[] keys = new long[16];
    private long[] vals = new long[16];
    private int size;
    private long lastKey = EMPTY;
    private long lastVal;
    private LongConsumer writeObserver;

    public PhysicalMemory() {
        Arrays.fill(keys, EMPTY);
    }

    /** A deep copy: the reference model and invariants compare states before and after an operation. */
    public PhysicalMemory copy() {
        PhysicalMemory c = new PhysicalMemory();
        c.keys = keys.clone();
        c.vals = vals.clone();
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

    /** Index of {@code key} in the table, or of the empty slot where it would go. */
    private int find(long key) {
        int mask = keys.length - 1;
        int i = slot(key, mask);
        while (keys[i] != EMPTY && keys[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /** Reads the aligned 8-byte word containing {@code pa}. */
    public long readWord(long pa) {
        long key = pa >>> 3;
        if (key == lastKey) {
            return lastVal;
        }
        int i = find(key);
        long v = keys[i] == EMPTY ? 0 : vals[i];
        lastKey = key;
        lastVal = v;
        return v;
    }

    /** Writes the aligned 8-byte word containing {@code pa}. */
    public void writeWord(long pa, long value) {
        long key = pa >>> 3;
        int i = find(key);
        if (keys[i] == EMPTY) {
            if (value != 0) {
                keys[i] = key;
                vals[i] = value;
                if (++size * 2 > keys.length) {
                    grow();
                }
            }
        } else {
            vals[i] = value;
        }
        lastKey = key;
        lastVal = value;
        if (writeObserver != null) {
            writeObserver.accept(pa & ~7L);
        }
    }

    private void grow() {
        long[] ok = keys;
        long[] ov = vals;
        keys = new long[ok.length * 2];
        vals = new long[ok.length * 2];
        Arrays.fill(keys, EMPTY);
        for (int j = 0; j < ok.length; j++) {
            if (ok[j] != EMPTY) {
                int i = find(ok[j]);
                keys[i] = ok[j];
                vals[i] = ov[j];
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
            if (keys[i] != EMPTY && vals[i] != 0) {
                writeWord(pa, 0);
            }
        }
    }

    /** Every non-zero 8-byte word, by physical address (a deterministic view for traces and diffs). */
    public SortedMap<Long, Long> snapshotWords() {
        TreeMap<Long, Long> out = new TreeMap<>();
        for (int j = 0; j < keys.length; j++) {
            if (keys[j] != EMPTY && vals[j] != 0) {
                out.put(keys[j] << 3, vals[j]);
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
