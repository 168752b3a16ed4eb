package xpf.sim.walk;

import java.util.Map;
import java.util.TreeMap;
import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;
import xpf.model.x86.Vectors;
import xpf.model.x86.Vendor;
import xpf.model.x86.WalkCase;
import xpf.model.x86.WalkOutcome;
import xpf.sim.x86.Mmu;
import xpf.sim.x86.PageWalker;
import xpf.sim.x86.PhysicalMemory;

/**
 * Answers one {@link WalkCase} with the simulator's x86 model, exactly as docs/walk-service.md specifies: a fresh
 * vCPU (empty TLB) with the case's controls, memory holding the case's entries, one translation.
 */
public final class WalkService {

    static final String PDPTE_NOTE = "PDPTE load #GP(0)";
    static final String AMD_SMAP_NOTE = "AMD erratum 1053: SMAP on implicit accesses is known-divergent";

    private WalkService() {
    }

    public static WalkOutcome evaluate(WalkCase c) {
        PhysicalMemory mem = load(c);
        Mmu mmu = new Mmu(c.cpu(), mem, c.controls());
        if (!mmu.pdpteValid()) {
            return WalkOutcome.exception(Vectors.GP, PDPTE_NOTE);
        }
        Mmu.Result r = mmu.translate(c.access(), false);
        return switch (r.outcome()) {
            case GP -> WalkOutcome.exception(Vectors.GP, null);
            case SS -> WalkOutcome.exception(Vectors.SS, null);
            case PAGE_FAULT -> WalkOutcome.pageFault(r.errorCode(), r.la(), r.walkList(), amdSmapNote(c, mmu, r));
            case OK -> {
                TreeMap<Long, Long> after = new TreeMap<>();
                for (int i = 0; i < r.adSlots().length; i++) {
                    after.put(r.adSlots()[i], r.adValues()[i]);
                }
                yield WalkOutcome.success(r.pa(), r.pageSize(), after, r.walkList(), null);
            }
        };
    }

    /** Memory holding the case's entries, each {@link PagingMode#entryBytes()} wide. */
    public static PhysicalMemory load(WalkCase c) {
        PhysicalMemory mem = new PhysicalMemory();
        int width = c.controls().mode().entryBytes();
        for (Map.Entry<Long, Long> e : c.memory().entrySet()) {
            mem.write(e.getKey(), width, e.getValue());
        }
        return mem;
    }

    /** The note of docs/walk-service.md §8 for an implicit access denied by SMAP on AMD. */
    private static String amdSmapNote(WalkCase c, Mmu mmu, Mmu.Result r) {
        Access a = c.access();
        // SMAP governs data accesses only: an implicit fetch denied with SMAP on is SMEP's doing, not SMAP's.
        if (c.cpu().vendor() != Vendor.AMD || !a.implicit() || a.kind() == AccessKind.FETCH || !c.controls().cr4Smap()
                || (r.errorCode() & PfErrorCode.P) == 0 || (r.errorCode() & PfErrorCode.RSVD) != 0) {
            return null;
        }
        PageWalker.Walk w = PageWalker.walk(mmu.memory(), c.cpu(), c.controls(), mmu.pdpteRegisters(), r.la(), null);
        return w.rights() != null && w.rights().user() ? AMD_SMAP_NOTE : null;
    }
}
