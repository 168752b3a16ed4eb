package xpf.model.scenario;

/**
 * An HVM guest frame's p2m entry: gfn → mfn with a p2m type (xen-hvm-fault-path.md §5.2 list: ram_rw, ram_logdirty,
 * ram_ro, mmio_dm, mmio_direct, populate_on_demand, ram_paged, ram_shared, invalid, ...). A null mfn lets the loader
 * pick one; {@code device} names the emulated device behind an MMIO frame.
 */
public record P2mSpec(long gfn, Long mfn, String type, String device) {
}
