package xpf.sim.x86;

import java.util.Arrays;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * Sparse, little-endian physical memory: 4 KiB frames allocated on first write, every other byte reads as zero.
 *
 * <p>Frames live in an open-addressing hash table keyed by frame number (no boxing on the walk's hot path), with a
 * one-entry cache of the last frame touched, because a page walk reads several entries of few frames. Iteration
 * order never leaks into results: {@link #snapshotWords()} returns a sorted map.
 */
public final class PhysicalMemory {
    private static final int WORDS = 512;
    private static final long EMPTY = Long.MIN_VALUE;

    private long[] keys = new long[64];
    private long[][] frames = new long[64][];
    private int size;
    private long lastKey = EMPTY;
    private long[] lastFrame;
    private LongConsumer writeObserver;

    public PhysicalMemory() {
        Arrays.fill(keys, EMPTY);
    }

    /** A deep copy: the reference model and invariants compare states before and after an operation. */
    public PhysicalMemory copy() {
        PhysicalMemory c = new PhysicalMemory();
        c.keys = keys.clone();
        c.frames = new long[frames.length][];
        for (int i = 0; i < frames.length; i++) {
            if (frames[i] != null) {
                c.frames[i] = frames[i].clone();
            }
        }
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

    private long[] frame(long pfn, boolean create) {
        if (pfn == lastKey) {
            return lastFrame;
        }
        int mask = keys.length - 1;
        int i = slot(pfn, mask);
        while (keys[i] != EMPTY) {
            if (keys[i] == pfn) {
                lastKey = pfn;
                lastFrame = frames[i];
                return frames[i];
            }
            i = (i + 1) & mask;
        }
        if (!create) {
            return null;
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
            return frame(pfn, true);
        }
        long[] f = new long[WORDS];
        keys[i] = pfn;
        frames[i] = f;
        size++;
        lastKey = pfn;
        lastFrame = f;
        return f;
    }

    private void grow() {
        long[] ok = keys;
        long[][] of = frames;
        keys = new long[ok.length * 2];
        frames = new long[ok.length * 2][];
        Arrays.fill(keys, EMPTY);
        int mask = keys.length - 1;
        for (int j = 0; j < ok.length; j++) {
            if (ok[j] != EMPTY) {
                int i = slot(ok[j], mask);
                while (keys[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                keys[i] = ok[j];
                frames[i] = of[j];
            }
        }
        lastKey = EMPTY;
        lastFrame = null;
    }

    /** Reads the aligned 8-byte word containing {@code pa}. */
    public long readWord(long pa) {
        long[] f = frame(pa >>> 12, false);
        return f == null ? 0 : f[(int) ((pa >>> 3) & (WORDS - 1))];
    }

    /** Writes the aligned 8-byte word containing {@code pa}. */
    public void writeWord(long pa, long value) {
        long[] f = frame(pa >>> 12, value != 0);
        if (f != null) {
            f[(int) ((pa >>> 3) & (WORDS - 1))] = value;
        }
        if (writeObserver != null) {
            writeObserver.accept(pa & ~7L);
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
        long[] f = frame(pfn, false);
        if (f != null) {
            Arrays.fill(f, 0);
        }
    }

    /** Every non-zero 8-byte word, by physical address (a deterministic view for traces and diffs). */
    public SortedMap<Long, Long> snapshotWords() {
        TreeMap<Long, Long> out = new TreeMap<>();
        for (int j = 0; j < keys.length; j++) {
            if (keys[j] != EMPTY) {
                long[] f = frames[j];
                for (int w = 0; w < WORDS; w++) {
                    if (f[w] != 0) {
                        out.put((keys[j] << 12) | ((long) w << 3), f[w]);
                    }
                }
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
