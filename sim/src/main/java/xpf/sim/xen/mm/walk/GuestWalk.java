package xpf.sim.xen.mm.walk;

import java.util.List;
import xpf.model.x86.PfErrorCode;
import xpf.sim.x86.AccessRights;
import xpf.sim.x86.EntryLevel;

/**
 * The result of {@code guest_walk_tables} ({@code walk_t}): whether the walk succeeded, the error code it computed
 * ({@code gw->pfec}, which may carry Xen's synthetic bits 16-18 until it is masked), the guest entries read (top
 * first) with the machine address of each, and for a successful walk the guest frame, effective rights and leaf.
 *
 * @param entries   guest entries read, top first (PAE: the PDPTE from the cached registers, {@code slot} -1)
 * @param leaf      the leaf entry (for superpages: the large entry itself; Xen fabricates an l1e from it)
 * @param leafLevel the leaf's level, or null if no leaf was reached
 * @param failedOn  the level the walk stopped at when it failed before a leaf (null otherwise)
 */
public record GuestWalk(boolean ok, int pfec, long va, long gfn, long gpa, List<GuestEntry> entries, long leaf,
        EntryLevel leafLevel, long pageSize, AccessRights.Effective rights, EntryLevel failedOn) {

    /** One guest entry on the walk: level, value, machine address of the slot, the table's gfn and mfn. */
    public record GuestEntry(EntryLevel level, long value, long slot, long tableGfn, long tableMfn) {
    }

    public GuestWalk {
        entries = List.copyOf(entries);
    }

    /** The error code an injection may carry: Xen's {@code PFEC_arch_mask} (0xFFFF). */
    public int archPfec() {
        return pfec & PfErrorCode.ARCH_MASK;
    }

    /** The machine frames of the guest page tables walked (top first), the ones a shadow depends on. */
    public List<Long> tableMfns() {
        List<Long> out = new java.util.ArrayList<>(entries.size());
        for (GuestEntry e : entries) {
            if (e.tableMfn() >= 0 && !out.contains(e.tableMfn())) {
                out.add(e.tableMfn());
            }
        }
        return java.util.Collections.unmodifiableList(out);
    }

    /** The guest's leaf entry as a 4 KiB {@code gl1e} would be (what TRC_SHADOW_* records carry). */
    public long gl1e() {
        return leaf;
    }

    public boolean superpage() {
        return leafLevel != null && leafLevel != EntryLevel.PTE;
    }
}
