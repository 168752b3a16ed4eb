package xpf.sim.xen.hvm;

import xpf.sim.x86.IdtDelivery;

/** What one VMRUN / VMRESUME ended in. */
public sealed interface GuestRun {

    /** The guest's instruction completed ({@code value}: what a read returned). */
    record Completed(Long value) implements GuestRun {
    }

    /**
     * An event was delivered through the guest's IDT and its handler now runs ({@code delivery} null when the vCPU
     * has no IDT: delivery is not simulated). {@code event} is the event finally delivered (after any hardware
     * combination).
     */
    record Delivered(IdtDelivery.Delivered delivery, HvmEvent event, long cr2) implements GuestRun {
    }

    /** The guest exited to Xen. */
    record Exit(HwExit exit) implements GuestRun {
    }
}
