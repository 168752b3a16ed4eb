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
        Long[] out = new Long[entries.size()];
        int n = 0;
        for (GuestEntry e : entries) {
            long m = e.tableMfn();
            boolean dup = m < 0;
            for (int i = 0; i < n && !dup; i++) {
                dup = out[i] == m;
            }
            if (!dup) {
                out[n++] = m;
            }
        }
        return List.of(n == out.length ? out : java.util.Arrays.copyOf(out, n)); // immutable: List.copyOf keeps it
    }

    /** The guest's leaf entry as a 4 KiB {@code gl1e} would be (what TRC_SHADOW_* records carry). */
    public long gl1e() {
        return leaf;
    }

    public boolean superpage() {
        return leafLevel != null && leafLevel != EntryLevel.PTE;
    }
}
