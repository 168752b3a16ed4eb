package xpf.model.scenario;

/**
 * Fault-injection knobs of one step. They come from the scenario (so they shrink and replay), never from a hidden
 * random source (../shared/reference/practices-and-style.md §2 "input-driven fault injection").
 *
 * @param emulatorFails  Xen's x86 emulator returns UNHANDLEABLE for this step's instruction
 * @param pendingEvent   an event was being delivered when this step's fault happened (HVM: exit_int_info /
 *                       IDT-vectoring info at the exit)
 * @param shadowOom      shadow memory allocation fails ({@code shadow_prealloc})
 * @param eventsPending  PV: an event-channel upcall is pending and unmasked when Xen returns to the guest
 */
public record Knobs(boolean emulatorFails, EventSpec pendingEvent, boolean shadowOom, boolean eventsPending) {
    public static final Knobs NONE = new Knobs(false, null, false, false);

    public boolean any() {
        return emulatorFails || pendingEvent != null || shadowOom || eventsPending;
    }
}
