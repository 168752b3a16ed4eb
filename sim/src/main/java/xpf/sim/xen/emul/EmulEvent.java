package xpf.sim.xen.emul;

/** An exception raised by emulation: vector, error code (null if none), CR2 for #PF (null otherwise). */
public record EmulEvent(int vector, Integer errorCode, Long cr2) {
}
