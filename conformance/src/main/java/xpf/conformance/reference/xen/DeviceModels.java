package xpf.conformance.reference.xen;

import java.util.Map;

/**
 * What an emulated MMIO device returns for a read, for the device models whose register semantics the scenario
 * format states (docs/scenario-format.md "devices": registers by byte offset; the corpus' device comments): a plain
 * register file ({@code regs}, and Xen's internal {@code lapic} / {@code hpet} pages) returns the register at the
 * offset; {@code counter} returns its value at offset 0 (and counts reads); a 16550 {@code uart} reads LSR (offset 5)
 * as 0x60 (THR empty, transmitter idle). Anything else is unknown: null, and the prediction leaves the value out.
 */
final class DeviceModels {

    private DeviceModels() {
    }

    static Long read(String model, Map<Integer, Long> regs, int offset, int size) {
        switch (model) {
            case "regs", "lapic", "hpet", "counter" -> {
                Long r = regs.get(offset);
                return r == null ? null : HvmRun.mask(r, size);
            }
            case "uart" -> {
                return offset == 5 ? Long.valueOf(0x60) : null;
            }
            default -> {
                return null;
            }
        }
    }

    /** §5.2 class 2: devices Xen emulates itself, before any p2m lookup ({@code hvm_mmio_internal}). */
    static boolean internal(String model) {
        return model.equals("lapic") || model.equals("hpet");
    }
}
