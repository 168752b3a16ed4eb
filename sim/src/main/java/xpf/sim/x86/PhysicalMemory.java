package xpf.sim.x86;

import java.util.SortedMap;
import java.util.function.LongConsumer;
import xpf.model.x86.MemoryWords;

/**
 * Sparse, little-endian physical memory: every location reads as zero until written.
 *
 * <p>Storage is frame-granular: an open-addressing table from 4 KiB frame number to that frame's 512 words (a
 * {@code long[512]}, allocated at the first non-zero write into the frame), plus a small direct-mapped cache of frames
 * by the low bits of their frame number. A page walk reads one entry from each of four different frames, and each
 * level's address comes from the previous entry; with the frames cached a level is two dependent array loads and no
 * probe loop (the word-keyed hash table this replaced cost a hash and a probe per level). Frames are never removed
 * ({@link #clearFrame} zeroes in place), so a cached frame stays valid. Iteration order never leaks into results:
 * {@link #snapshotWords()} returns a sorted map.
 *
 * <p>Snapshots are copy-on-write: {@link #snapshotWords()} shares the frame arrays with the snapshot and from then on
 * treats them as read-only; the next write into such a frame copies it first. A frame array carries one word past its
 * 512 words of memory, the {@link #epoch} in which it was allocated or copied: taking a snapshot starts a new epoch, so
 * every frame becomes shared at once, and a write copies exactly the frames of an older epoch. Reads do not look at
 * the epoch at all.
 */
public final class PhysicalMemory {
    private static final long NO_FRAME = -1L;
    private static final int WORDS = 512;
    /** Index of the epoch word in a frame array (past the frame's 512 words). */
    private static final int EPOCH = WORDS;
    /** Direct-mapped frame cache size (a power of two): a walk's four tables are often consecutive frames. */
    private static final int CACHED = 8;

    /** Open addressing: slot {@code i} holds frame number {@code keys[i]} (or NO_FRAME) and its words. */
    private long[] keys = new long[16];
    private long[][] frames = new long[16][];
    private int size;
    private final long[] cachePfn = new long[CACHED];
    private final long[][] cacheFrame = new long[CACHED][];
    private LongConsumer writeObserver;
    /** Frames whose {@link #EPOCH} word equals this may be written in place; older ones are in a snapshot. */
    private long epoch = 1;
    /** The last snapshot, while nothing changed since (null otherwise). */
    private MemoryWords snapshot;
    /** The table's slots holding frames, by ascending frame base address (null when frames were added since). */
    private int[] sortedSlots;
    private long[] sortedBases;

    public PhysicalMemory() {
        java.util.Arrays.fill(keys, NO_FRAME);
        java.util.Arrays.fill(cachePfn, NO_FRAME);
    }

    /** A deep copy: the reference model and invariants compare states before and after an operation. */
    public PhysicalMemory copy() {
        PhysicalMemory c = new PhysicalMemory();
        c.keys = keys.clone();
        c.frames = new long[frames.length][];
        for (int i = 0; i < frames.length; i++) {
            if (frames[i] != null) {
                c.frames[i] = frames[i].clone();
                c.frames[i][EPOCH] = c.epoch;
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

    private static int slot(long pfn, int mask) {
        long h = pfn * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & mask;
    }

    /** Index of {@code pfn}'s slot in {@link #keys}, or of the empty slot where it would go. */
    private int find(long pfn) {
        long[] k = keys;
        int mask = k.length - 1;
        int i = slot(pfn, mask);
        for (long ki; (ki = k[i]) != NO_FRAME && ki != pfn; ) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /** The words of frame {@code pfn}, or null if nothing non-zero was ever written into it. */
    private long[] frame(long pfn) {
        int c = (int) pfn & (CACHED - 1);
        if (cachePfn[c] == pfn) {
            return cacheFrame[c];
        }
        long[] f = frames[find(pfn)];
        if (f != null) {
            cachePfn[c] = pfn;
            cacheFrame[c] = f;
        }
        return f;
    }

    /**
     * The words of frame {@code pfn} for writing ({@code f} is its current array or null): allocated (zeroed) if
     * absent, copied first if a snapshot shares it.
     */
    private long[] frameForWrite(long pfn, long[] f) {
        if (f != null && f[EPOCH] == epoch) {
            return f;
        }
        int i = find(pfn);
        if (f != null) {
            f = f.clone();
            f[EPOCH] = epoch;
            frames[i] = f;
        } else {
            f = new long[WORDS + 1];
            f[EPOCH] = epoch;
            keys[i] = pfn;
            frames[i] = f;
            sortedSlots = null;
            if (++size * 2 > keys.length) {
                grow();
            }
        }
        int c = (int) pfn & (CACHED - 1);
        cachePfn[c] = pfn;
        cacheFrame[c] = f;
        return f;
    }

    private void grow() {
        sortedSlots = null;
        long[] oldKeys = keys;
        long[][] oldFrames = frames;
        keys = new long[oldKeys.length * 2];
        frames = new long[oldKeys.length * 2][];
        java.util.Arrays.fill(keys, NO_FRAME);
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != NO_FRAME) {
                int i = find(oldKeys[j]);
                keys[i] = oldKeys[j];
                frames[i] = oldFrames[j];
            }
        }
    }

    /** Reads the aligned 8-byte word containing {@code pa}. */
    public long readWord(long pa) {
        long[] f = frame(pa >>> 12);
        return f == null ? 0 : f[(int) (pa >>> 3) & (WORDS - 1)];
    }

    /** Writes the aligned 8-byte word containing {@code pa}. */
    public void writeWord(long pa, long value) {
        long pfn = pa >>> 12;
        int w = (int) (pa >>> 3) & (WORDS - 1);
        long[] f = frame(pfn);
        if (f == null ? value != 0 : f[w] != value) {
            if (f == null || f[EPOCH] != epoch) {
                f = frameForWrite(pfn, f);
            }
            f[w] = value;
            snapshot = null;
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

    /** Zeroes a whole 4 KiB frame (the write observer sees each word that was non-zero, in address order). */
    public void clearFrame(long pfn) {
        long[] f = frame(pfn);
        if (f == null) {
            return;
        }
        long base = pfn << 12;
        for (int w = 0; w < WORDS; w++) {
            if (f[w] != 0) {
                writeWord(base + 8L * w, 0);
            }
        }
    }

    /**
     * Every non-zero 8-byte word, by physical address (a deterministic view for traces and diffs): an immutable
     * snapshot that later writes do not change. It shares the frames (copy-on-write, see the class comment), so it
     * costs a pass over the frame table, not a copy of memory; while nothing is written the same snapshot is returned.
     */
    public SortedMap<Long, Long> snapshotWords() {
        MemoryWords s = snapshot;
        if (s != null) {
            return s;
        }
        if (sortedSlots == null) {
            // Frame base addresses in signed order (as Long keys sort); a base shifted back is its frame number.
            long[] bases = new long[size];
            int n = 0;
            for (int j = 0; j < keys.length; j++) {
                if (keys[j] != NO_FRAME) {
                    bases[n++] = keys[j] << 12;
                }
            }
            java.util.Arrays.sort(bases);
            int[] slots = new int[n];
            for (int a = 0; a < n; a++) {
                slots[a] = find(bases[a] >>> 12);
            }
            sortedSlots = slots;
            sortedBases = bases;
        }
        long[][] fs = new long[sortedSlots.length][];
        for (int a = 0; a < fs.length; a++) {
            fs[a] = frames[sortedSlots[a]];
        }
        // From here on every frame belongs to the snapshot: the next write into one copies it.
        epoch++;
        s = MemoryWords.sharing(sortedBases, fs);
        snapshot = s;
        return s;
    }

    private static void checkSize(int size) {
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            throw new IllegalArgumentException("access size " + size + " is not 1, 2, 4 or 8");
        }
    }
}
