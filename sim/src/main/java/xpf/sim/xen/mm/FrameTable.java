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
        PageInfo p = new PageInfo(mfn, owner);
        frames.put(mfn, p);
        return p;
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
