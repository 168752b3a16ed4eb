package xpf.conformance.matrix;

import java.util.function.LongUnaryOperator;
import xpf.conformance.reference.EntryMemory;
import xpf.conformance.reference.ReferenceWalk;
import xpf.conformance.reference.WalkAnswer;
import xpf.model.x86.Access;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.Vectors;
import xpf.sim.x86.Mmu;
import xpf.sim.x86.PhysicalMemory;

/**
 * {@link MatrixCheck} for access.c cases, without building a {@link xpf.model.x86.WalkCase} or a
 * {@link xpf.model.x86.WalkOutcome} per case: the same comparisons field by field (fault, vector, error code, CR2,
 * PA, page size, every entry read, every A/D change; for ACCESS_TWICE the second access and the final value of every
 * entry), on one reused simulated memory whose page tables are rewritten in place, and the reference model answering
 * into a reused {@link WalkAnswer}. Every case runs on a vCPU in its initial state (one {@link Mmu}, {@link Mmu#reset
 * reset} per case: empty TLB and caches), as the fresh {@code Mmu} of {@link MatrixCheck}.
 *
 * <p>It only says agree or not: a disagreement is re-checked by {@link MatrixCheck} on the built case, which explains
 * it (and if the two checkers ever disagreed, that is reported as a mismatch too, never dropped). One per thread.
 */
final class AccessCChecker implements EntryMemory {
    private static final int MAX = AccessCCase.MAX_ENTRIES;
    /** Every flag {@link AccessCCase#controls} reads (with the depth), and every flag {@link AccessCCase#access} reads. */
    private static final AccessCFlag[] CONTROL_FLAGS = {AccessCFlag.CPU_CR0_WP, AccessCFlag.CPU_CR4_SMEP,
        AccessCFlag.CPU_CR4_PKE, AccessCFlag.CPU_EFER_NX, AccessCFlag.PKU_AD, AccessCFlag.PKU_WD};
    private static final AccessCFlag[] ACCESS_FLAGS = {AccessCFlag.ACCESS_WRITE, AccessCFlag.ACCESS_FETCH,
        AccessCFlag.ACCESS_USER};

    private final CpuConfig cpu;
    private final LongUnaryOperator referenceView;
    private final PhysicalMemory mem = new PhysicalMemory();
    private final long[] addresses = new long[MAX];
    private final long[] values = new long[MAX];
    private int count;
    /** What the reference's memory holds: the case's values, then as the reference's first access left them. */
    private final long[] refValues = new long[MAX];
    /** Addresses written to {@link #mem} by the previous case (cleared when the next case does not use them). */
    private final long[] loaded = new long[MAX];
    private int loadedCount;
    private final WalkAnswer ref = new WalkAnswer();
    private final long[] simChangedAddresses = new long[MAX];
    private final long[] simChangedValues = new long[MAX];
    /** One vCPU, {@link Mmu#reset reset} to a fresh state for every case. */
    private Mmu mmu;
    /** The controls and the access a case's flags give, built once per distinct value (they are immutable). */
    private final PagingControls[] controlsCache = new PagingControls[1 << 8];
    private final Access[] accessCache = new Access[1 << 3];

    AccessCChecker(int maxPhyAddr) {
        this(maxPhyAddr, null);
    }

    /**
     * @param referenceView for tests that plant a difference: applied to every entry value the reference reads
     *                      (null: none)
     */
    AccessCChecker(int maxPhyAddr, LongUnaryOperator referenceView) {
        this.cpu = AccessCCase.cpu(maxPhyAddr);
        this.referenceView = referenceView;
    }

    /** The reference's view of memory: the case's entries, 0 elsewhere. */
    @Override
    public long read(long address) {
        for (int i = 0; i < count; i++) {
            if (addresses[i] == address) {
                return referenceView == null ? refValues[i] : referenceView.applyAsLong(refValues[i]);
            }
        }
        return 0;
    }

    /** Whether simulator and reference agree on access.c case {@code flags} at paging depth {@code mode}. */
    boolean agrees(int flags, PagingMode mode) {
        count = AccessCCase.entries(flags, mode, addresses, values);
        PagingControls c = controls(flags, mode);
        Access a = access(flags);
        load();
        System.arraycopy(values, 0, refValues, 0, count);
        if (mmu == null) {
            mmu = new Mmu(cpu, mem, c);
        } else {
            mmu.reset(c);
        }
        return AccessCFlag.ACCESS_TWICE.in(flags) ? twiceAgrees(c, a, mmu) : onceAgrees(c, a, mmu);
    }

    /** {@link AccessCCase#controls}, cached by the flags it reads and the depth. */
    PagingControls controls(int flags, PagingMode mode) {
        int key = bits(flags, CONTROL_FLAGS) << 2 | mode.ordinal() & 3;
        PagingControls c = controlsCache[key];
        if (c == null || c.mode() != mode) {
            c = AccessCCase.controls(flags, mode);
            controlsCache[key] = c;
        }
        return c;
    }

    /** {@link AccessCCase#access}, cached by the flags it reads. */
    Access access(int flags) {
        int key = bits(flags, ACCESS_FLAGS);
        Access a = accessCache[key];
        if (a == null) {
            a = AccessCCase.access(flags);
            accessCache[key] = a;
        }
        return a;
    }

    private static int bits(int flags, AccessCFlag[] fs) {
        int k = 0;
        for (int i = 0; i < fs.length; i++) {
            k |= fs[i].in(flags) ? 1 << i : 0;
        }
        return k;
    }

    /** Memory holding exactly the case's entries (8 bytes wide): the previous case's other words are zeroed. */
    private void load() {
        for (int j = 0; j < loadedCount; j++) {
            if (indexOf(loaded[j]) < 0) {
                mem.writeWord(loaded[j], 0);
            }
        }
        for (int i = 0; i < count; i++) {
            mem.write(addresses[i], 8, values[i]);
            loaded[i] = addresses[i];
        }
        loadedCount = count;
    }

    private int indexOf(long address) {
        for (int i = 0; i < count; i++) {
            if (addresses[i] == address) {
                return i;
            }
        }
        return -1;
    }

    /** One access: every field of the walk contract, as {@code WalkOutcome.sameAs}. */
    private boolean onceAgrees(PagingControls c, Access a, Mmu mmu) {
        ReferenceWalk.evaluate(cpu, c, this, a, ref);
        if (!mmu.pdpteValid()) {
            return isBareException(Vectors.GP);
        }
        Mmu.Result r = mmu.translate(a, false);
        return switch (r.outcome()) {
            case GP, SS -> isBareException(r.vector());
            case PAGE_FAULT -> ref.fault() && ref.vector() == Vectors.PF && ref.errorCode() == r.errorCode()
                    && ref.hasCr2() && ref.cr2() == r.la() && sameWalk(r.walk()) && ref.changedCount() == 0;
            case OK -> !ref.fault() && ref.pa() == r.pa() && ref.pageSize() == r.pageSize() && sameWalk(r.walk())
                    && sameChanges(r.adSlots(), r.adValues());
        };
    }

    /** #GP(0)/#SS(0): no CR2, no entry read, nothing changed. */
    private boolean isBareException(int vector) {
        return ref.fault() && ref.vector() == vector && ref.errorCode() == 0 && !ref.hasCr2()
                && ref.walkCount() == 0 && ref.changedCount() == 0;
    }

    private boolean sameWalk(long[] walk) {
        if (walk.length != ref.walkCount()) {
            return false;
        }
        for (int i = 0; i < walk.length; i++) {
            if (walk[i] != ref.walk(i)) {
                return false;
            }
        }
        return true;
    }

    /** The simulator's A/D writes (in write order; a later write to the same entry wins) as the reference's map. */
    private boolean sameChanges(long[] slots, long[] newValues) {
        int n = 0;
        for (int i = 0; i < slots.length; i++) {
            int j = 0;
            while (j < n && simChangedAddresses[j] != slots[i]) {
                j++;
            }
            if (j == n) {
                if (n == MAX) {
                    return false;
                }
                simChangedAddresses[n++] = slots[i];
            }
            simChangedValues[j] = newValues[i];
        }
        if (n != ref.changedCount()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int j = 0;
            while (j < n && ref.changedAddress(j) != simChangedAddresses[i]) {
                j++;
            }
            if (j == n || ref.changedValue(j) != simChangedValues[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * ACCESS_TWICE: the second of two accesses on one vCPU against the reference evaluated on memory as its first
     * access left it (fault, vector, error code, CR2, PA, page size), then the final value of every entry.
     */
    private boolean twiceAgrees(PagingControls c, Access a, Mmu mmu) {
        ReferenceWalk.evaluate(cpu, c, this, a, ref);
        if (!applyReferenceChanges()) {
            return false;
        }
        ReferenceWalk.evaluate(cpu, c, this, a, ref);
        if (!applyReferenceChanges()) {
            return false;
        }
        if (!mmu.pdpteValid()) {
            return ref.fault() && ref.vector() == Vectors.GP;
        }
        mmu.translate(a);
        Mmu.Result r = mmu.translate(a);
        boolean second = switch (r.outcome()) {
            case OK -> !ref.fault() && ref.pa() == r.pa() && ref.pageSize() == r.pageSize();
            case PAGE_FAULT -> ref.fault() && ref.vector() == Vectors.PF && ref.errorCode() == r.errorCode()
                    && ref.cr2() == r.la();
            case GP, SS -> ref.fault() && ref.vector() == r.vector() && ref.errorCode() == 0;
        };
        if (!second) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (mem.read(addresses[i], 8) != refValues[i]) {
                return false;
            }
        }
        return true;
    }

    /** Writes the reference's A/D changes into its memory; false (let the full check decide) for a new address. */
    private boolean applyReferenceChanges() {
        for (int k = 0; k < ref.changedCount(); k++) {
            int i = indexOf(ref.changedAddress(k));
            if (i < 0) {
                return false;
            }
            refValues[i] = ref.changedValue(k);
        }
        return true;
    }
}
