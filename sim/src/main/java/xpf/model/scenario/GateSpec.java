package xpf.model.scenario;

/**
 * One gate of an HVM (or bare) guest's IDT: handler address, code selector, interrupt or trap gate, DPL, IST index,
 * present bit. The loader writes it into guest memory at {@code idt.base + 16 * vector} (8 in 32-bit modes).
 */
public record GateSpec(int vector, long handler, int selector, boolean trapGate, int dpl, int ist, boolean present) {
}
