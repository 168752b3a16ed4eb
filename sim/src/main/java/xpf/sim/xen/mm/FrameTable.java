package xpf.sim.xen.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Xen's frame table: a {@link PageInfo} per machine frame that belongs to someone. Frames never assigned have no
 * entry (owner "nobody"). Iteration is by frame number, so views are deterministic.
 */
public final class FrameTable {
    /** {@code DOMID_XEN}: frames owned by Xen itself. */
    public static final int DOMID_XEN = 0x7FF2;
    /** {@code DOMID_IO}: I/O memory (MMIO) frames. */
    public static final int DOMID_IO = 0x7FF1;
    /** No owner. */
    public static final int NOBODY = -1;

    private final TreeMap<Long, PageInfo> frames = new TreeMap<>();

    /** The frame's info, or null if nobody owns it. */
    public PageInfo get(long mfn) {
        return frames.get(mfn);
    }

    public int ownerOf(long mfn) {
        PageInfo p = frames.get(mfn);
        return p == null ? NOBODY : p.owner();
    }

    /** Gives {@code mfn} to {@code owner} (a fresh frame: no references, no type). */
    public PageInfo assign(long mfn, int owner) {
        PageInfo p = new PageInfo(mfn, owner, this);
        frames.put(mfn, p);
        changed();
        return p;
    }

    /** Bumped by every change to the table or to one of its frames ({@link PageInfo}'s setters call it). */
    private long version;
    private Object memoKey;
    private long memoVersion = -1;
    private Object memoValue;

    void changed() {
        version++;
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
    @SuppressWarnings("unchecked")
    public <T> T memo(Object key, java.util.function.Function<FrameTable, T> derive) {
        if (memoKey != key || memoVersion != version) {
            memoValue = derive.apply(this);
            memoKey = key;
            memoVersion = version;
        }
        return (T) memoValue;
    }

    public List<PageInfo.Snapshot> snapshot() {
        List<PageInfo.Snapshot> out = new ArrayList<>(frames.size());
        for (PageInfo p : frames.values()) {
            out.add(p.snapshot());
        }
        return out;
    }

    public Iterable<PageInfo> all() {
        return frames.values();
    }
}
