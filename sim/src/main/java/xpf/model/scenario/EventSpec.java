package xpf.model.scenario;

/**
 * An event (interrupt or exception) in flight: vector, type ({@code ext_intr}, {@code nmi}, {@code hw_exc},
 * {@code sw_int}, {@code priv_sw_exc}, {@code sw_exc}: Xen's X86_ET_* names, asm/x86-defns.h) and error code (null if
 * none).
 */
public record EventSpec(int vector, String type, Integer errorCode) {
}
