package xpf.sim.xen.hvm.dm;

import java.util.SortedMap;

/**
 * Model {@code counter}: reading offset 0 returns the counter and then increments it (a read with a side effect,
 * so a read emulated twice would show); writing offset 0 sets it; other offsets are plain registers.
 */
public final class CounterDevice extends RegisterDevice {
    public CounterDevice(String name, long gfn, SortedMap<Integer, Long> initial) {
        super(name, "counter", gfn, initial);
    }

    @Override
    public long read(int offset, int size) {
        long v = load(offset, size);
        if (offset == 0) {
            store(0, 8, load(0, 8) + 1);
        }
        return v;
    }
}
