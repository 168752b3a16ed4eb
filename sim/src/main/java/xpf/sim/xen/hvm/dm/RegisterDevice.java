package xpf.sim.xen.hvm.dm;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A register file (models {@code regs}, and {@code lapic}/{@code hpet} for Xen-internal devices): byte-addressed
 * registers, little-endian; a read returns what was last written (or the initial value), unknown bytes read 0.
 */
public class RegisterDevice implements MmioDevice {
    private final String name;
    private final String model;
    private final long gfn;
    protected final TreeMap<Integer, Long> regs = new TreeMap<>();

    public RegisterDevice(String name, String model, long gfn, SortedMap<Integer, Long> initial) {
        this.name = name;
        this.model = model;
        this.gfn = gfn;
        regs.putAll(initial);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public long gfn() {
        return gfn;
    }

    @Override
    public boolean internal() {
        return model.equals("lapic") || model.equals("hpet");
    }

    /** Reads {@code size} bytes from the registers, each register holding 8 bytes starting at its offset. */
    protected long load(int offset, int size) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            v |= (byteAt(offset + i) & 0xFFL) << (8 * i);
        }
        return v;
    }

    private long byteAt(int off) {
        var e = regs.floorEntry(off);
        if (e == null || off - e.getKey() >= 8) {
            return 0;
        }
        return e.getValue() >>> (8 * (off - e.getKey()));
    }

    protected void store(int offset, int size, long value) {
        if (size == 8 || !regs.containsKey(offset)) {
            long keep = regs.containsKey(offset) && size < 8 ? regs.get(offset) : 0;
            long m = size == 8 ? -1L : (1L << (8 * size)) - 1;
            regs.put(offset, (keep & ~m) | (value & m));
            return;
        }
        long m = (1L << (8 * size)) - 1;
        regs.put(offset, (regs.get(offset) & ~m) | (value & m));
    }

    @Override
    public long read(int offset, int size) {
        return load(offset, size);
    }

    @Override
    public void write(int offset, int size, long value) {
        store(offset, size, value);
    }

    @Override
    public SortedMap<Integer, Long> registers() {
        return Collections.unmodifiableSortedMap(new TreeMap<>(regs));
    }
}
