package xpf.sim.xen.hvm.dm;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import xpf.model.scenario.DeviceSpec;

/**
 * A domain's emulated devices by gfn: Xen's internal handlers and the ioreq server (QEMU) behind {@code p2m_mmio_dm}
 * frames, as far as a page fault can reach them. Models: {@code regs} (register file, the default), {@code counter},
 * {@code uart}, and the Xen-internal {@code lapic} / {@code hpet} (register files that Xen handles without an
 * ioreq, xen-hvm-fault-path.md §5.2 step 2).
 */
public final class DeviceModel {
    private final TreeMap<Long, MmioDevice> byGfn = new TreeMap<>();

    public static MmioDevice create(DeviceSpec d) {
        String model = d.model() == null ? "regs" : d.model();
        return switch (model) {
            case "regs", "lapic", "hpet" -> new RegisterDevice(d.name(), model, d.gfn(), d.registers());
            case "counter" -> new CounterDevice(d.name(), d.gfn(), d.registers());
            case "uart" -> new UartDevice(d.name(), d.gfn(), d.registers());
            default -> throw new IllegalArgumentException("unknown device model '" + model
                    + "' (expected regs, counter, uart, lapic or hpet)");
        };
    }

    public void add(MmioDevice d) {
        byGfn.put(d.gfn(), d);
    }

    /** The device behind {@code gfn}, or null. */
    public MmioDevice at(long gfn) {
        return byGfn.get(gfn);
    }

    public List<MmioDevice> devices() {
        return new ArrayList<>(byGfn.values());
    }
}
