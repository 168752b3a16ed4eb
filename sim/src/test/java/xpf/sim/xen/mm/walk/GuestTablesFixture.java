package xpf.sim.xen.mm.walk;

import java.util.HashSet;
import java.util.Set;
import xpf.sim.x86.EntryBits;
import xpf.sim.x86.PhysicalMemory;
import xpf.sim.xen.mm.p2m.P2m;
import xpf.sim.xen.mm.p2m.P2mEntry;
import xpf.sim.xen.mm.p2m.P2mType;

/**
 * Guest page tables in memory for the guest-walker tests: guest frames 0x100..0x1ff are RAM at machine frames
 * 0x10000 + gfn, and {@link #long4} builds the 4-level tables of va 0x400000 (L4 0x100 → L3 0x101 → L2 0x102, index 2
 * → L1 0x103 → data gfn 0x1f0).
 */
abstract class GuestTablesFixture {
    static final long P = EntryBits.P;
    static final long RW = EntryBits.RW;
    static final long US = EntryBits.US;
    static final long A = EntryBits.A;
    static final long D = EntryBits.D;
    static final long PS = EntryBits.PS;
    static final long UP = P | RW | US;

    final PhysicalMemory mem = new PhysicalMemory();
    final P2m p2m = new P2m(mem, () -> 0x90000L);
    final Set<String> bugs = new HashSet<>();

    GuestTablesFixture() {
        for (long g = 0x100; g < 0x200; g++) {
            p2m.set(new P2mEntry(g, 0x10000 + g, P2mType.RAM_RW, null));
        }
    }

    long slot(long tableGfn, int index) {
        return ((0x10000 + tableGfn) << 12) + index * 8L;
    }

    void set(long tableGfn, int index, long value) {
        mem.writeWord(slot(tableGfn, index), value);
    }

    long get(long tableGfn, int index) {
        return mem.readWord(slot(tableGfn, index));
    }

    void long4(long l4f, long l3f, long l2f, long l1f) {
        set(0x100, 0, (0x101L << 12) | l4f);
        set(0x101, 0, (0x102L << 12) | l3f);
        set(0x102, 2, (0x103L << 12) | l2f);
        set(0x103, 0, (0x1f0L << 12) | l1f);
    }
}
