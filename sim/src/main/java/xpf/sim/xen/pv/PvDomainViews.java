package xpf.sim.xen.pv;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import xpf.model.scenario.TrapInfoSpec;
import xpf.model.xen.FrozenSortedSet;
import xpf.model.xen.PvDomainView.FrameType;
import xpf.sim.scenario.DomainViews;
import xpf.sim.xen.mm.PageInfo;

/**
 * The plain-data view of a PV domain for the reference model and invariants ({@link xpf.model.xen.PvDomainView}): a
 * field-by-field copy of the PV path's own state view ({@link PvDomainView}) plus what that view leaves out (machine
 * memory, the whole frame table, each vCPU's paging controls, TLB, paging-structure caches and the registers a bounce
 * frame saves). No decisions are made here.
 */
public final class PvDomainViews {

    private PvDomainViews() {
    }

    public static xpf.model.xen.PvDomainView of(PvDomain d) {
        PvDomainView v = d.view(false); // the frames come from the whole table below
        SortedMap<Long, xpf.model.xen.PvDomainView.Frame> frames = d.frameTable()
                .memo(FRAMES, PvDomainViews::frames, PvDomainViews::updated).map();
        List<xpf.model.xen.PvDomainView.Vcpu> vcpus = new ArrayList<>();
        for (PvDomainView.Vcpu c : v.vcpus()) {
            PvVcpu pv = d.vcpu(c.id());
            List<TrapInfoSpec> traps = new ArrayList<>();
            for (TrapInfo t : c.trapTable()) {
                traps.add(new TrapInfoSpec(t.vector(), t.flags(), t.cs(), t.address()));
            }
            List<xpf.model.xen.PvDomainView.HandlerFrame> handlerFrames = new ArrayList<>();
            for (PvVcpu.HandlerFrame h : pv.handlerFrames) {
                handlerFrames.add(new xpf.model.xen.PvDomainView.HandlerFrame(h.bottom(), h.errorCode(), h.rcx(),
                        h.r11()));
            }
            vcpus.add(new xpf.model.xen.PvDomainView.Vcpu(c.id(), pv.mmu.controls(), c.kernelMode(), c.guestTable(),
                    c.guestTableUser(), c.rip(), c.rsp(), c.rflags(), c.cs(), c.ss(), pv.rax, pv.rcx, pv.r11,
                    c.kernelSp(), c.kernelSs(), ioplInEflagsPosition(pv.iopl), c.ctrlreg2(), c.upcallPending(),
                    c.upcallMask(), c.ldtBase(), c.ldtEnts(), c.ldtShadow(), traps, handlerFrames, DomainViews.tlb(pv.mmu),
                    DomainViews.psc(pv.mmu)));
        }
        return new xpf.model.xen.PvDomainView(v.name(), d.machine().spec(), v.alive(), v.domid(), v.kind(),
                v.hardwareDomain(), FrozenSortedSet.copyOf(v.vmAssist()), v.crashReason(), d.xen().panicReason(),
                v.logDirty(), FrozenSortedSet.copyOf(v.dirtyFrames()), FrozenSortedSet.copyOf(v.iomemCaps()),
                FrozenSortedSet.copyOf(v.mmioRoFrames()), d.eventCallback(), frames,
                d.machine().memory().snapshotWords(), vcpus);
    }

    /** The memo key of the frame-table view in {@link xpf.sim.xen.mm.FrameTable#memo}. */
    private static final Object FRAMES = new Object();

    /** The frame-table view with the arrays behind it (never written after it is made), for the next update. */
    record Frames(long[] mfns, xpf.model.xen.PvDomainView.Frame[] frames, int n,
            SortedMap<Long, xpf.model.xen.PvDomainView.Frame> map) {
    }

    /**
     * Every frame of the table as plain data. Xen's frame table is one per machine, so this is the same for every
     * view taken while no frame changed: the table memoises it per version (a frozen map, shared by those views).
     */
    static Frames frames(xpf.sim.xen.mm.FrameTable table) {
        // The table iterates by frame number: fill two arrays in that order (no tree to build).
        long[] mfns = new long[64];
        xpf.model.xen.PvDomainView.Frame[] fs = new xpf.model.xen.PvDomainView.Frame[64];
        int n = 0;
        for (PageInfo p : table.all()) {
            if (n == mfns.length) {
                mfns = java.util.Arrays.copyOf(mfns, 2 * n);
                fs = java.util.Arrays.copyOf(fs, 2 * n);
            }
            mfns[n] = p.mfn();
            fs[n++] = frame(p);
        }
        return new Frames(mfns, fs, n, xpf.model.xen.FrozenSortedMap.ofSorted(mfns, fs, n));
    }

    /**
     * The previous view with the frames a step changed replaced (membership unchanged; FrameTable.memo): a step
     * changes a few frames of ~300, and making every frame's record anew was the largest part of a PV view. Null
     * (derive from scratch) if a changed frame is not in the previous view (it cannot be: membership is unchanged).
     */
    static Frames updated(Frames prev, java.util.List<PageInfo> changed) {
        xpf.model.xen.PvDomainView.Frame[] fs = prev.frames().clone();
        for (PageInfo p : changed) {
            int i = java.util.Arrays.binarySearch(prev.mfns(), 0, prev.n(), p.mfn());
            if (i < 0) {
                return null;
            }
            fs[i] = frame(p);
        }
        return new Frames(prev.mfns(), fs, prev.n(), xpf.model.xen.FrozenSortedMap.ofSorted(prev.mfns(), fs, prev.n()));
    }

    private static xpf.model.xen.PvDomainView.Frame frame(PageInfo p) {
        return new xpf.model.xen.PvDomainView.Frame(p.mfn(), p.owner(), p.count(), type(p.type()), p.typeCount(),
                p.validated(), p.pinned(), p.linearPtCount(), p.paeXenL2());
    }

    /** The view's unit for {@code arch.pv.iopl} is EFLAGS position; a plain level 1..3 is shifted there. */
    private static long ioplInEflagsPosition(long iopl) {
        return (iopl & ~3L) == 0 ? iopl << 12 : iopl;
    }

    private static FrameType type(xpf.sim.xen.mm.PageType t) {
        return switch (t) {
            case NONE -> FrameType.NONE;
            case L1_PAGE_TABLE -> FrameType.L1;
            case L2_PAGE_TABLE -> FrameType.L2;
            case L3_PAGE_TABLE -> FrameType.L3;
            case L4_PAGE_TABLE -> FrameType.L4;
            case SEG_DESC -> FrameType.SEG_DESC;
            case SHARED -> FrameType.SHARED;
            case WRITABLE -> FrameType.WRITABLE;
        };
    }
}
