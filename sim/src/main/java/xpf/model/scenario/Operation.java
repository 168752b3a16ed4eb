package xpf.model.scenario;

/**
 * What a step does. A sealed set, so the interpreter's {@code switch} over it is exhaustive: guest memory accesses
 * (which is also how a guest writes its own PTEs or touches MMIO), hypercalls, control-register writes, INVLPG, and
 * harness-level memory writes that bypass the guest (another agent changing memory behind the vCPU's back).
 */
public sealed interface Operation
        permits GuestAccess, Hypercall, ControlWrite, Invlpg, HostWrite {

    /** The name used in scenario files ({@code op:}). */
    String opName();
}
