package xpf.sim.xen.hvm.dm;

import java.util.SortedMap;

/**
 * An emulated MMIO device of the device model: register reads return device values and may have side effects,
 * register writes change device state. Offsets are byte offsets into the device's 4 KiB frame.
 */
public interface MmioDevice {
    String name();

    String model();

    long gfn();

    /** Whether Xen emulates it internally ({@code hvm_mmio_internal}: LAPIC, HPET...) rather than an ioreq server. */
    boolean internal();

    long read(int offset, int size);

    void write(int offset, int size, long value);

    /** The device's state as plain data: register offset → value (and model-specific entries). */
    SortedMap<Integer, Long> registers();
}
