package xpf.sim.xen.mm;

/**
 * Xen's per-frame bookkeeping ({@code struct page_info}, asm/mm.h; xen-pv-fault-path.md §1 and §4.1): owner, general
 * reference count, type with its own count and flags, and the linear-page-table count. Mutable on purpose: it is the
 * state Xen changes under its locks; views for checks are taken with {@link #snapshot()}.
 *
 * <p>{@code count} counts the references that mappings, page-table entries, pins and base pointers hold; Xen's own
 * allocation reference ({@code PGC_allocated}) is left out, so a frame nobody uses has count 0 and the balance
 * "count = references held" can be checked directly. {@code linearPtCount} follows Xen's signed convention
 * ({@code linear_pt_count}): &gt; 0 = how many same-level entries this table contains, &lt; 0 = how many same-level
 * entries elsewhere point at it. References are taken and dropped through {@link PageRefs}.
 */
public final class PageInfo {

    /** An immutable copy for invariants, traces and the reference model. */
    public record Snapshot(long mfn, int owner, long count, PageType type, long typeCount, boolean validated,
            boolean pinned, int linearPtCount, boolean pageTableShadowed, boolean paeXenL2) {
    }

    private final long mfn;
    private int owner;
    private long count;
    private PageType type = PageType.NONE;
    private long typeCount;
    private boolean validated;
    private boolean pinned;
    private int linearPtCount;
    /** {@code PGC_page_table}: the shadow code treats this frame as a guest page table (HVM shadow paging). */
    private boolean shadowedPageTable;
    /** {@code PGT_pae_xen_l2}: a 32-bit PV guest's L2 in L3 slot 3, whose top slots hold Xen's own mappings. */
    private boolean paeXenL2;

    /** The table this frame belongs to (told of every change, so views derived from it can be reused). */
    private final FrameTable table;

    public PageInfo(long mfn, int owner) {
        this(mfn, owner, null);
    }

    PageInfo(long mfn, int owner, FrameTable table) {
        this.mfn = mfn;
        this.owner = owner;
        this.table = table;
    }

    /** Every setter calls this: the table's derived views are stale from here on. */
    private void changed() {
        if (table != null) {
            table.changed(this);
        }
    }

    public long mfn() {
        return mfn;
    }

    public int owner() {
        return owner;
    }

    public void setOwner(int owner) {
        this.owner = owner;
        changed();
    }

    public long count() {
        return count;
    }

    public void setCount(long count) {
        this.count = count;
        changed();
    }

    public PageType type() {
        return type;
    }

    public void setType(PageType type) {
        this.type = type;
        changed();
    }

    public long typeCount() {
        return typeCount;
    }

    public void setTypeCount(long typeCount) {
        this.typeCount = typeCount;
        changed();
    }

    public boolean validated() {
        return validated;
    }

    public void setValidated(boolean validated) {
        this.validated = validated;
        changed();
    }

    public boolean pinned() {
        return pinned;
    }

    public void setPinned(boolean pinned) {
        this.pinned = pinned;
        changed();
    }

    public int linearPtCount() {
        return linearPtCount;
    }

    public void setLinearPtCount(int linearPtCount) {
        this.linearPtCount = linearPtCount;
        changed();
    }

    public boolean shadowedPageTable() {
        return shadowedPageTable;
    }

    public void setShadowedPageTable(boolean v) {
        this.shadowedPageTable = v;
        changed();
    }

    /**
     * A stand-in for {@code tlbflush_timestamp}: a reference to the frame was dropped since the last type change,
     * so a TLB may still hold a translation to it and the next type change must flush. A frame never referenced
     * needs no flush (Xen's {@code tlbflush_filter} finds every CPU clean).
     */
    private boolean tlbflushNeeded;

    public boolean tlbflushNeeded() {
        return tlbflushNeeded;
    }

    public void setTlbflushNeeded(boolean v) {
        this.tlbflushNeeded = v;
        changed();
    }

    public boolean paeXenL2() {
        return paeXenL2;
    }

    public void setPaeXenL2(boolean v) {
        this.paeXenL2 = v;
        changed();
    }

    public Snapshot snapshot() {
        return new Snapshot(mfn, owner, count, type, typeCount, validated, pinned, linearPtCount, shadowedPageTable,
                paeXenL2);
    }
}
