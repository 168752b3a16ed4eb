package xpf.sim.xen.hvm.dm;

import java.util.SortedMap;

/**
 * Model {@code uart}, a minimal 16550-like transmitter: a write to THR (offset 0) transmits a byte (the last byte
 * sent is kept at offset 0x100, the count of bytes sent at offset 0x108); LSR (offset 5) always reads 0x60
 * (transmitter empty); other offsets are plain registers.
 */
public final class UartDevice extends RegisterDevice {
    public static final int THR = 0;
    public static final int LSR = 5;
    public static final int LAST_TX = 0x100;
    public static final int TX_COUNT = 0x108;

    public UartDevice(String name, long gfn, SortedMap<Integer, Long> initial) {
        super(name, "uart", gfn, initial);
    }

    @Override
    public long read(int offset, int size) {
        if (offset == LSR) {
            return 0x60;
        }
        return load(offset, size);
    }

    @Override
    public void write(int offset, int size, long value) {
        if (offset == THR) {
            store(LAST_TX, 8, value & 0xFF);
            store(TX_COUNT, 8, load(TX_COUNT, 8) + 1);
            return;
        }
        store(offset, size, value);
    }
}
