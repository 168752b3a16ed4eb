package xpf.sim.xen.mm.shadow;

import xpf.model.scenario.GuestAccess;
import xpf.model.x86.PagingMode;
import xpf.sim.trace.Trace;
import xpf.sim.xen.emul.EmulEvent;
import xpf.sim.xen.mm.walk.GuestWalker;

/**
 * What the shadow code needs from the vCPU and domain it works for. The HVM path implements it (Xen's shadow code
 * calls into HVM through {@code hvm_event_pending}, {@code handle_mmio_with_translation}, {@code hvm_inject_event}
 * and {@code domain_crash}); the interface keeps {@code xen.mm} free of the HVM package.
 */
public interface ShadowVcpu {

    /**
     * The outcome of {@code handle_mmio_with_translation}: handled or not, and the value a read returned.
     *
     * @param ok      the emulation was handled (OKAY, or an exception the emulator raised and Xen injected)
     * @param value   what a read produced
     * @param faulted the emulator raised an exception (now injected): the instruction did not retire, RIP still
     *                points at it
     */
    record MmioResult(boolean ok, Long value, boolean faulted) {
        public MmioResult(boolean ok, Long value) {
            this(ok, value, false);
        }
    }

    int vcpuId();

    /** The guest's paging state as the software walker needs it (mode, controls, cached PDPTEs, MAXPHYADDR). */
    GuestWalker.WalkContext walkContext();

    /** The key of the top-level shadow the hardware uses now. */
    long shadowRoot();

    /** The guest's paging mode; null when guest paging is off. */
    PagingMode guestMode();

    int cpl();

    /** {@code hvm_event_pending}: EVENTINJ.V (SVM) / VM-entry interruption information valid (VMX). */
    boolean eventPending();

    /**
     * {@code hvm_event_injection_faulted} (3.1): the exit interrupted an event delivery (IDT-vectoring info /
     * EXITINTINFO valid).
     */
    boolean eventInjectionFaulted();

    /** Every vCPU of the domain (for {@code for_each_vcpu}: the top-level tables in use). */
    java.util.List<? extends ShadowVcpu> domainVcpus();

    /** {@code handle_mmio_with_translation(va, gfn, access)}: emulates {@code insn} against the device model. */
    MmioResult handleMmioWithTranslation(long va, long gfn, GuestAccess insn, boolean emulatorFails, Trace t);

    /** {@code hvm_inject_event} of an exception the emulator raised. */
    void injectEvent(EmulEvent e, Trace t);

    /** {@code domain_crash}. */
    void domainCrash(String reason, String detail, Trace t);

    /** A Xen {@code BUG()}: the host goes down (never acceptable as a consequence of guest actions). */
    void hostPanic(String reason, String detail, Trace t);
}
