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
     * combination). {@code cr2} is the CR2 the guest sees; {@code pfInChain} says a #PF was part of the delivery
     * (the event itself, or a fault while delivering it that the processor combined), i.e. CR2 was written for
     * this event (SDM 4.7 / Table 6-5: CR2 is loaded when the #PF is detected, before any combination).
     */
    record Delivered(IdtDelivery.Delivered delivery, HvmEvent event, long cr2, boolean pfInChain)
            implements GuestRun {
    }

    /** The guest exited to Xen. */
    record Exit(HwExit exit) implements GuestRun {
    }
}
