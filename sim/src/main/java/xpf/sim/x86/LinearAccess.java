package xpf.sim.x86;

import xpf.model.x86.Access;

/**
 * A data access of {@code size} bytes at a linear address, as an instruction makes it: every page touched is
 * translated in order, and only if all translate is memory read or written (x86 instructions are all-or-nothing for
 * the faults modelled here). A fault on the second page reports CR2 = the first byte of that page (§1.1d).
 */
@Rule("1.1d")
public final class LinearAccess {

    /** Either the fault (the failed translation) or the value read (0 for writes). */
    public record Result(Mmu.Result fault, long value, long pa) {
        public boolean ok() {
            return fault == null;
        }
    }

    private LinearAccess() {
    }

    public static Result read(Mmu mmu, Access a, int size) {
        return run(mmu, a, size, false, 0);
    }

    public static Result write(Mmu mmu, Access a, int size, long value) {
        return run(mmu, a, size, true, value);
    }

    private static Result run(Mmu mmu, Access a, int size, boolean write, long value) {
        if (size < 1 || size > 8) {
            throw new IllegalArgumentException("size " + size + " is outside 1..8");
        }
        Mmu.Result first = mmu.translate(a);
        if (!first.ok()) {
            return new Result(first, 0, 0);
        }
        long end = a.va() + size - 1;
        long pa0 = first.pa();
        long pa1 = -1;
        int firstBytes = size;
        if ((end & ~0xFFFL) != (a.va() & ~0xFFFL)) {
            long second = end & ~0xFFFL;
            Mmu.Result r = mmu.translate(new Access(second, a.kind(), a.cpl(), a.implicit(), a.stack()));
            if (!r.ok()) {
                return new Result(r, 0, 0);
            }
            pa1 = r.pa();
            firstBytes = (int) (second - a.va());
        }
        PhysicalMemory mem = mmu.memory();
        if (pa1 < 0) {
            if (write) {
                mem.write(pa0, size, value);
                return new Result(null, 0, pa0);
            }
            return new Result(null, mem.read(pa0, size), pa0);
        }
        long v = 0;
        for (int i = 0; i < size; i++) {
            long pa = i < firstBytes ? pa0 + i : pa1 + (i - firstBytes);
            if (write) {
                mem.write(pa, 1, value >>> (8 * i));
            } else {
                v |= mem.read(pa, 1) << (8 * i);
            }
        }
        return new Result(null, v, pa0);
    }
}
