package xpf.conformance.reference;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import xpf.model.x86.Vectors;
import xpf.model.x86.WalkOutcome;

/**
 * The reference model's answer to one walk, in the fields of {@link WalkOutcome} but held in plain fields and small
 * arrays that one caller reuses from walk to walk (the exhaustive matrix evaluates 19 million walks, and an outcome
 * of boxed maps and lists per walk would cost more than the walk). {@link #toOutcome()} gives the contract's record.
 * Not thread-safe; one per thread.
 */
public final class WalkAnswer {
    private static final int MAX = 5;

    /** The exception raised, or false on success. */
    boolean fault;
    /** 14, 13 or 12 when {@link #fault}; -1 on success. */
    int vector;
    /** The exception's error code when {@link #fault}. */
    int errorCode;
    /** Whether CR2 is written (a #PF). */
    boolean hasCr2;
    long cr2;
    /** Physical address and page size on success. */
    long pa;
    long pageSize;
    /** The entries read, in order. */
    final long[] walk = new long[MAX];
    int walkCount;
    /** The entries whose value changed (A/D), ascending by address, with their new values. */
    final long[] changedAddresses = new long[MAX];
    final long[] changedValues = new long[MAX];
    int changedCount;
    /** Optional human note; not part of the architectural answer. */
    String note;
    /** The used entries, reused by every evaluation. */
    final UsedEntries used = new UsedEntries();

    void clear() {
        fault = false;
        vector = -1;
        errorCode = 0;
        hasCr2 = false;
        cr2 = 0;
        pa = 0;
        pageSize = 0;
        walkCount = 0;
        changedCount = 0;
        note = null;
    }

    void exception(int v, String n) {
        fault = true;
        vector = v;
        errorCode = 0;
        note = n;
    }

    void pageFault(int ec, long address, UsedEntries u, String n) {
        fault = true;
        vector = Vectors.PF;
        errorCode = ec;
        hasCr2 = true;
        cr2 = address;
        copyWalk(u);
        note = n;
    }

    void success(long physical, long size, UsedEntries u) {
        pa = physical;
        pageSize = size;
        copyWalk(u);
    }

    private void copyWalk(UsedEntries u) {
        System.arraycopy(u.addresses, 0, walk, 0, u.count);
        walkCount = u.count;
    }

    public boolean fault() {
        return fault;
    }

    /** 14 (#PF), 13 (#GP) or 12 (#SS); -1 on success. */
    public int vector() {
        return vector;
    }

    public int errorCode() {
        return errorCode;
    }

    public boolean hasCr2() {
        return hasCr2;
    }

    public long cr2() {
        return cr2;
    }

    public long pa() {
        return pa;
    }

    public long pageSize() {
        return pageSize;
    }

    public int walkCount() {
        return walkCount;
    }

    public long walk(int i) {
        return walk[i];
    }

    /** Number of entries whose value changed; {@link #changedAddress(int)} ascends with the index. */
    public int changedCount() {
        return changedCount;
    }

    public long changedAddress(int i) {
        return changedAddresses[i];
    }

    public long changedValue(int i) {
        return changedValues[i];
    }

    /** The line {@link WalkOutcome#summary()} gives for this answer, without building the record. */
    public String summary() {
        return fault ? WalkOutcome.faultSummary(vector, errorCode, cr2) : WalkOutcome.successSummary(pa, pageSize);
    }

    /** The same answer as the walk-service contract's record. */
    public WalkOutcome toOutcome() {
        List<Long> w = new ArrayList<>(walkCount);
        for (int i = 0; i < walkCount; i++) {
            w.add(walk[i]);
        }
        if (fault) {
            return vector == Vectors.PF ? WalkOutcome.pageFault(errorCode, cr2, w, note)
                    : WalkOutcome.exception(vector, note);
        }
        TreeMap<Long, Long> after = new TreeMap<>();
        for (int i = 0; i < changedCount; i++) {
            after.put(changedAddresses[i], changedValues[i]);
        }
        return WalkOutcome.success(pa, pageSize, after, w, note);
    }
}
