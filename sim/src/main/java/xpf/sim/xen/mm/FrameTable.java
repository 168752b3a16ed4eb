package xpf.sim.xen.mm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Xen's frame table: a {@link PageInfo} per machine frame that belongs to someone. Frames never assigned have no
 * entry (owner "nobody"). Iteration is by frame number, so views are deterministic.
 *
 * <p>Storage is chunked like Xen's own {@code frame_table} array, but sparse: frames are grouped in chunks of
 * {@value #CHUNK} consecutive frame numbers, each a {@code PageInfo[CHUNK]} (null = nobody's), and the chunks present
 * are kept sorted by chunk number for a binary search and in-order iteration. A scenario's frames sit in a handful of
 * dense ranges (Xen's 0x00..0xff, a PV domain's named and spare frames, an HVM domain's machine frames, MMIO), so
 * there are few chunks: a lookup is a compare with the last chunk used (or a short binary search) and an array load,
 * where the {@code TreeMap<Long, PageInfo>} this replaced boxed the key and walked a red-black tree; and a range of
 * frames ({@link #assignRange}) is filled without a tree insertion per frame.
 */
public final class FrameTable {
    /** {@code DOMID_XEN}: frames owned by Xen itself. */
    public static final int DOMID_XEN = 0x7FF2;
    /** {@code DOMID_IO}: I/O memory (MMIO) frames. */
    public static final int DOMID_IO = 0x7FF1;
    /** No owner. */
    public static final int NOBODY = -1;

    private static final int CHUNK_SHIFT = 9;
    /** Frames per chunk. */
    static final int CHUNK = 1 << CHUNK_SHIFT;
    private static final int CHUNK_MASK = CHUNK - 1;

    /** Chunk numbers ({@code mfn >> CHUNK_SHIFT}, signed) of the chunks present, ascending; {@link #chunkCount} used. */
    private long[] chunkKeys = new long[4];
    private PageInfo[][] chunks = new PageInfo[4][];
    private int chunkCount;
    /** Frames assigned (entries present). */
    private int size;
    /** The chunk of the last lookup (a scenario touches one range at a time). */
    private long lastKey = Long.MIN_VALUE;
    private PageInfo[] lastChunk;

    /** The chunk holding {@code mfn}, or null. */
    private PageInfo[] chunk(long mfn) {
        long key = mfn >> CHUNK_SHIFT;
        if (key == lastKey) {
            return lastChunk;
        }
        int i = Arrays.binarySearch(chunkKeys, 0, chunkCount, key);
        if (i < 0) {
            return null;
        }
        lastKey = key;
        lastChunk = chunks[i];
        return lastChunk;
    }

    /** The chunk holding {@code mfn}, created (empty) if absent. */
    private PageInfo[] chunkForWrite(long mfn) {
        PageInfo[] c = chunk(mfn);
        if (c != null) {
            return c;
        }
        long key = mfn >> CHUNK_SHIFT;
        int at = -(Arrays.binarySearch(chunkKeys, 0, chunkCount, key) + 1);
        if (chunkCount == chunkKeys.length) {
            chunkKeys = Arrays.copyOf(chunkKeys, chunkCount * 2);
            chunks = Arrays.copyOf(chunks, chunkCount * 2);
        }
        System.arraycopy(chunkKeys, at, chunkKeys, at + 1, chunkCount - at);
        System.arraycopy(chunks, at, chunks, at + 1, chunkCount - at);
        c = new PageInfo[CHUNK];
        chunkKeys[at] = key;
        chunks[at] = c;
        chunkCount++;
        lastKey = key;
        lastChunk = c;
        return c;
    }

    /**
     * One range given by {@link #assignRange} whose frames are made only when first looked at (Xen's own 256 frames:
     * most scenarios never read one). A null slot inside it stands for a fresh frame of {@link #lazyOwner}; its chunks
     * exist from the start, so making a frame never moves chunks under an iteration.
     */
    private long lazyFirst;
    private long lazyEnd;
    private int lazyOwner;

    private boolean lazy(long mfn) {
        return mfn >= lazyFirst && mfn < lazyEnd;
    }

    /** The frame's info, or null if nobody owns it. */
    public PageInfo get(long mfn) {
        PageInfo[] c = chunk(mfn);
        if (c == null) {
            return null;
        }
        int i = (int) mfn & CHUNK_MASK;
        PageInfo p = c[i];
        if (p == null && lazy(mfn)) {
            p = new PageInfo(mfn, lazyOwner, this);   // the fresh frame assignRange gave; not a change
            c[i] = p;
        }
        return p;
    }

    public int ownerOf(long mfn) {
        PageInfo[] c = chunk(mfn);
        PageInfo p = c == null ? null : c[(int) mfn & CHUNK_MASK];
        if (p == null) {
            return c != null && lazy(mfn) ? lazyOwner : NOBODY;
        }
        return p.owner();
    }

    /** Gives {@code mfn} to {@code owner} (a fresh frame: no references, no type), replacing any previous entry. */
    public PageInfo assign(long mfn, int owner) {
        PageInfo[] c = chunkForWrite(mfn);
        int i = (int) mfn & CHUNK_MASK;
        PageInfo p = new PageInfo(mfn, owner, this);
        if (c[i] == null && !lazy(mfn)) {
            size++;
        }
        c[i] = p;
        changed();
        return p;
    }

    /**
     * Gives each of the {@code count} frames from {@code first} on to {@code owner}, as {@link #assign} would one by
     * one (fresh frames, previous entries replaced). The table's first such range (up to 64 chunks) is lazy: its
     * {@link PageInfo}s are made when first looked at ({@link #get}, {@link #all}), which no caller can tell apart.
     */
    public void assignRange(long first, long count, int owner) {
        if (count <= 0) {
            return;
        }
        if (lazyFirst == lazyEnd && count <= 64 * CHUNK) {
            // The table's one lazy range: chunks made now, frames when first looked at.
            for (long mfn = first; mfn < first + count; mfn++) {
                PageInfo[] c = chunkForWrite(mfn);
                int i = (int) mfn & CHUNK_MASK;
                if (c[i] != null) {
                    c[i] = null;
                    size--;
                }
            }
            lazyFirst = first;
            lazyEnd = first + count;
            lazyOwner = owner;
            size += (int) count;
            changed();
            return;
        }
        long mfn = first;
        long end = first + count;
        while (mfn < end) {
            PageInfo[] c = chunkForWrite(mfn);
            int i = (int) mfn & CHUNK_MASK;
            int n = (int) Math.min(CHUNK - i, end - mfn);
            for (int k = 0; k < n; k++) {
                if (c[i + k] == null && !lazy(mfn + k)) {
                    size++;
                }
                c[i + k] = new PageInfo(mfn + k, owner, this);
            }
            mfn += n;
        }
        changed();
    }

    /** Number of frames someone owns. */
    public int size() {
        return size;
    }

    /** Bumped by every change to the table or to one of its frames ({@link PageInfo}'s setters call it). */
    private long version;
    private Object memoKey;
    private long memoVersion = -1;
    private Object memoValue;
    /**
     * The frames whose fields changed since the memo was last derived (possibly repeated), while they are few and the
     * table's membership did not change; {@link #dirtyOverflow} once that no longer holds.
     */
    private final PageInfo[] dirty = new PageInfo[DIRTY_MAX];
    private int dirtyCount;
    private boolean dirtyOverflow = true;
    private static final int DIRTY_MAX = 32;

    /** A change of membership (a frame assigned): derived values must be derived anew. */
    void changed() {
        version++;
        dirtyOverflow = true;
    }

    /**
     * A change of one frame's fields. A frame no longer in the table (replaced by {@link #assign}) changes nothing a
     * derived value reads, so it is not listed.
     */
    void changed(PageInfo p) {
        version++;
        if (!dirtyOverflow && isMember(p)) {
            if (dirtyCount == DIRTY_MAX) {
                dirtyOverflow = true;
            } else {
                dirty[dirtyCount++] = p;
            }
        }
    }

    private boolean isMember(PageInfo p) {
        PageInfo[] c = chunk(p.mfn());
        return c != null && c[(int) p.mfn() & CHUNK_MASK] == p;
    }

    /** A counter that changes whenever the table or any of its frames changes (never goes back to an old value). */
    public long version() {
        return version;
    }

    /**
     * A value derived from the whole table (e.g. an immutable view of every frame), computed at most once per
     * {@link #version()}: while nothing in the table changes, the same value is returned. {@code derive} must read
     * only this table and must return an immutable value. One slot: a caller passing another {@code key} replaces it.
     */
    public <T> T memo(Object key, java.util.function.Function<FrameTable, T> derive) {
        return memo(key, derive, (prev, changedFrames) -> null);
    }

    /**
     * {@link #memo(Object, java.util.function.Function)} that may derive the new value from the previous one: when
     * the table's membership is unchanged since the previous value was derived under the same {@code key} and only a
     * few frames changed, {@code update} gets that value and those frames (each at least once, all of them members
     * of the table) and returns the new value, or null to have {@code derive} compute it from scratch. The
     * result must equal what {@code derive} would give (FrameTableMemoTest, PvDomainViewsIncrementalTest).
     */
    @SuppressWarnings("unchecked")
    public <T> T memo(Object key, java.util.function.Function<FrameTable, T> derive,
            java.util.function.BiFunction<T, List<PageInfo>, T> update) {
        if (memoKey == key && memoVersion == version) {
            return (T) memoValue;
        }
        T value = null;
        if (memoKey == key && !dirtyOverflow) {
            value = update.apply((T) memoValue, Arrays.asList(dirty).subList(0, dirtyCount));
        }
        if (value == null) {
            value = derive.apply(this);
        }
        memoValue = value;
        memoKey = key;
        memoVersion = version;
        dirtyCount = 0;
        dirtyOverflow = false;
        return value;
    }

    public List<PageInfo.Snapshot> snapshot() {
        List<PageInfo.Snapshot> out = new ArrayList<>(size);
        for (PageInfo p : all()) {
            out.add(p.snapshot());
        }
        return out;
    }

    /** Every owned frame, by frame number. */
    public Iterable<PageInfo> all() {
        return FrameIterator::new;
    }

    private final class FrameIterator implements Iterator<PageInfo> {
        private int chunk;
        private int slot = -1;
        private PageInfo next;

        FrameIterator() {
            advance();
        }

        private void advance() {
            next = null;
            while (chunk < chunkCount) {
                PageInfo[] c = chunks[chunk];
                long base = chunkKeys[chunk] << CHUNK_SHIFT;
                while (++slot < CHUNK) {
                    PageInfo p = c[slot];
                    if (p == null && lazy(base + slot)) {
                        p = get(base + slot);
                    }
                    if (p != null) {
                        next = p;
                        return;
                    }
                }
                chunk++;
                slot = -1;
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public PageInfo next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            PageInfo p = next;
            advance();
            return p;
        }
    }
}
