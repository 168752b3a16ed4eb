package xpf.sim.xen.mm.p2m;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import xpf.sim.x86.NestedPaging;
import xpf.sim.x86.PhysicalMemory;
import xpf.sim.xen.XenFunction;

/**
 * A domain's physical-to-machine map ({@code struct p2m_domain}, xen/arch/x86/mm/p2m.c): gfn → (mfn, type), the
 * log-dirty bitmap, and the lookups the fault paths make. Under HAP the same map is what the hardware walks as its
 * nested tables ({@link #hardwareEntry}); under shadow paging the shadow code consults it when it builds entries.
 * Frames Xen allocates later (populate-on-demand, unsharing) come from {@code allocFrame}.
 */
public final class P2m {

    /** Query flags of {@code get_gfn_type_access}: P2M_ALLOC populates PoD entries, P2M_UNSHARE breaks sharing. */
    public enum Query { QUERY, ALLOC, ALLOC_UNSHARE }

    private final TreeMap<Long, P2mEntry> entries = new TreeMap<>();
    private final TreeSet<Long> dirty = new TreeSet<>();
    private final PhysicalMemory memory;
    private final LongSupplier allocFrame;
    private boolean unshareFails;

    public P2m(PhysicalMemory memory, LongSupplier allocFrame) {
        this.memory = memory;
        this.allocFrame = allocFrame;
    }

    /** {@code p2m_set_entry}. */
    public void set(P2mEntry e) {
        entries.put(e.gfn(), e);
    }

    /** The entry as stored (a lookup without side effects: {@code P2M_QUERY}); invalid if absent. */
    public P2mEntry lookup(long gfn) {
        P2mEntry e = entries.get(gfn);
        return e == null ? P2mEntry.invalid(gfn) : e;
    }

    /** Whether unsharing currently finds no memory (for the plain-data view). */
    public boolean unshareFails() {
        return unshareFails;
    }

    /** Test hook: unsharing finds no memory (ENOMEM), as when the host is out of free frames. */
    public void setUnshareFails(boolean v) {
        this.unshareFails = v;
    }

    /**
     * {@code get_gfn_type_access(p2m, gfn, &t, &a, q, NULL)}: with {@link Query#ALLOC} a populate-on-demand entry is
     * populated (a fresh zeroed frame, type ram_rw); with {@link Query#ALLOC_UNSHARE} a shared entry is also
     * unshared (copied to a fresh frame), unless unsharing fails, when it stays shared.
     */
    @XenFunction(symbol = "get_gfn_type_access", file = "xen/arch/x86/mm/p2m.c", version = "4.22")
    public P2mEntry getGfnTypeAccess(long gfn, Query q) {
        P2mEntry e = lookup(gfn);
        if (q != Query.QUERY && e.type() == P2mType.POPULATE_ON_DEMAND) {
            e = new P2mEntry(gfn, allocFrame.getAsLong(), P2mType.RAM_RW, null);
            memory.clearFrame(e.mfn());
            set(e);
        }
        if (q == Query.ALLOC_UNSHARE && e.type() == P2mType.RAM_SHARED && !unshareFails) {
            long copy = allocFrame.getAsLong();
            for (int off = 0; off < 4096; off += 8) {
                memory.writeWord((copy << 12) + off, memory.readWord((e.mfn() << 12) + off));
            }
            e = new P2mEntry(gfn, copy, P2mType.RAM_RW, null);
            set(e);
        }
        return e;
    }

    /** {@code p2m_change_type_one}: e.g. ram_logdirty → ram_rw after a logged write. */
    @XenFunction(symbol = "p2m_change_type_one", file = "xen/arch/x86/mm/p2m.c", version = "4.22")
    public boolean changeTypeOne(long gfn, P2mType from, P2mType to) {
        P2mEntry e = lookup(gfn);
        if (e.type() != from) {
            return false;
        }
        set(e.withType(to));
        return true;
    }

    /** {@code paging_mark_dirty}: the log-dirty bitmap records the gfn. */
    @XenFunction(symbol = "paging_mark_dirty", file = "xen/arch/x86/mm/paging.c", version = "4.22")
    public void markDirty(long gfn) {
        dirty.add(gfn);
    }

    public SortedSet<Long> dirtyGfns() {
        return Collections.unmodifiableSortedSet(dirty);
    }

    /**
     * {@code p2m_mem_paging_populate} followed by the pager's work, done at once: a paged-out (or paging-out) gfn
     * becomes ram_rw again with its frame (the model keeps the frame's contents while "paged out").
     */
    @XenFunction(symbol = "p2m_mem_paging_populate", file = "xen/arch/x86/mm/mem_paging.c", version = "4.22")
    public void memPagingPopulate(long gfn) {
        P2mEntry e = lookup(gfn);
        if (e.type().isPaging()) {
            set(new P2mEntry(gfn, e.mfnValid() ? e.mfn() : allocFrame.getAsLong(), P2mType.RAM_RW, null));
        }
    }

    /**
     * The nested-table view of an entry, as the hardware walks it under HAP (Xen's {@code p2m_type_to_flags} /
     * {@code ept_p2m_type_to_flags}, simplified to r/w/x): RAM rwx, log-dirty / read-only / shared / ioreq-server
     * r-x (writes fault), grant_map_ro r--, MMIO-direct and foreign maps rwx, and no entry at all for holes,
     * mmio_dm, populate-on-demand, the three paging types and broken frames. Fixed 2026-11-26 (finding
     * hap-paging-types-mapped): ram_paging_out kept its frame r-x, but both tables give every paging type no
     * access (p2m-pt.c {@code p2m_type_to_flags}: only NX; p2m-ept.c {@code ept_p2m_type_to_flags}: r = w = x = 0,
     * Xen 4.22), so any access takes the nested fault and {@code p2m_mem_paging_populate}.
     */
    public NestedPaging.NestedEntry hardwareEntry(long gfn) {
        P2mEntry e = lookup(gfn);
        if (!e.mfnValid()) {
            return null;
        }
        return switch (e.type()) {
            case RAM_RW, MMIO_DIRECT, MAP_FOREIGN, GRANT_MAP_RW -> new NestedPaging.NestedEntry(e.mfn(), true, true,
                    true);
            case RAM_LOGDIRTY, RAM_RO, RAM_SHARED, IOREQ_SERVER ->
                new NestedPaging.NestedEntry(e.mfn(), true, false, true);
            case GRANT_MAP_RO -> new NestedPaging.NestedEntry(e.mfn(), true, false, false);
            case INVALID, MMIO_DM, POPULATE_ON_DEMAND, RAM_PAGING_OUT, RAM_PAGED, RAM_PAGING_IN, RAM_BROKEN -> null;
        };
    }

    /** Every entry, by gfn (a plain-data view). */
    public List<P2mEntry> entries() {
        return new ArrayList<>(entries.values());
    }
}
