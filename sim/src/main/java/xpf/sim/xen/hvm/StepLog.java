package xpf.sim.xen.hvm;

import java.util.LinkedHashMap;
import java.util.SequencedMap;
import xpf.model.scenario.Outcome;
import xpf.model.x86.Vectors;
import xpf.sim.x86.IdtDelivery;

/**
 * What happened to one step's instruction across its VM exits, and the outcome it reports: a domain end
 * (triple fault, crash) wins; then an injection by Xen (injected, or double_fault when it ended as #DF), then a
 * delivery by the hardware alone (a re-queued event, an exception under HAP), then emulation, then the first silent
 * fix; otherwise the instruction simply completed.
 */
public final class StepLog {

    /** One injection by Xen: what was injected and the raw fields right after. */
    public record Injection(int vector, Integer errorCode, Long cr2, SequencedMap<String, Long> event) {
    }

    private String firstFixup;
    private boolean emulated;
    private String emulatedFixup;
    private Long emulatedValue;
    private Injection injection;
    private GuestRun.Delivered delivered;
    private boolean completed;
    private Long completedValue;
    private Outcome terminal;
    private boolean livelock;
    private boolean pfBeforeExit;

    public void fixed(String fixup) {
        if (firstFixup == null) {
            firstFixup = fixup;
        }
    }

    public void emulated(String fixup, Long value) {
        emulated = true;
        emulatedFixup = fixup;
        emulatedValue = value;
    }

    public void injected(Injection i) {
        injection = i;
        delivered = null;
        pfBeforeExit = false;
    }

    /**
     * The processor wrote CR2 for a #PF while delivering an event whose delivery then exited to Xen (e.g. a #PF
     * combined into #DF, whose own push took a nested fault): the event Xen re-queues (vmx_idtv_reinject /
     * svm EXITINTINFO) carries that #PF in its chain, and %cr2 keeps the value the processor wrote (SDM vol. 3
     * §6.15 "Interrupt 14": CR2 is loaded before the #PF is delivered or combined; x86-paging.md §1.1d/§1.1g).
     * Found by the fuzzer (seed 8, try 14,491, hap-double-fault-cr2-after-idt-vectoring).
     */
    void pfWrittenBeforeExit() {
        pfBeforeExit = true;
    }

    public void delivered(GuestRun.Delivered d) {
        delivered = d;
    }

    public void completed(Long value) {
        completed = true;
        completedValue = value;
    }

    public void terminal(Outcome o) {
        if (terminal == null) {
            terminal = o;
        }
    }

    public void livelock() {
        livelock = true;
    }

    public boolean isLivelock() {
        return livelock;
    }

    public boolean ended() {
        return terminal != null;
    }

    public Outcome outcome() {
        if (terminal != null) {
            return terminal;
        }
        Outcome.Delivered delivery = delivered == null ? null : toDelivered(delivered);
        if (injection != null) {
            boolean df = delivered != null ? delivered.event().vector() == Vectors.DF : injection.vector() == Vectors.DF;
            if (df) {
                // Xen combined into #DF itself: the CR2 it wrote. The delivery combined (the processor): the CR2
                // the guest sees when a #PF was in the chain (Xen's injected one, or the processor's own).
                Long cr2 = injection.vector() == Vectors.DF || delivered == null ? injection.cr2()
                        : injection.cr2() != null || pfInChain(delivered) ? Long.valueOf(delivered.cr2()) : null;
                return new Outcome.DoubleFault(cr2, injection.event(), delivery);
            }
            return new Outcome.Injected(injection.vector(), injection.errorCode(), injection.cr2(), injection.event(),
                    delivery);
        }
        if (delivered != null) {
            if (delivered.event().vector() == Vectors.DF) {
                return new Outcome.DoubleFault(pfInChain(delivered) ? delivered.cr2() : null, new LinkedHashMap<>(),
                        delivery);
            }
            if (delivery != null) {
                return delivery;
            }
            HvmEvent e = delivered.event();
            return new Outcome.Delivered(e.vector(), e.errorCode(), e.vector() == Vectors.PF ? delivered.cr2() : null,
                    0, new LinkedHashMap<>());
        }
        if (emulated) {
            return new Outcome.Emulated(emulatedFixup, emulatedValue);
        }
        if (firstFixup != null) {
            return new Outcome.Fixed(firstFixup, completed ? "guest retried and completed" : null);
        }
        return new Outcome.Completed(completed ? completedValue : null);
    }

    /** A #PF in the delivered event's chain: in this delivery, or in an earlier one that exited and was re-queued. */
    private boolean pfInChain(GuestRun.Delivered d) {
        return d.pfInChain() || pfBeforeExit;
    }

    private static Outcome.Delivered toDelivered(GuestRun.Delivered g) {
        if (g.delivery() == null) {
            return null;
        }
        IdtDelivery.Delivered d = g.delivery();
        SequencedMap<String, Long> frame = new LinkedHashMap<>(d.frame());
        return new Outcome.Delivered(d.vector(), d.errorCode(), d.vector() == Vectors.PF ? g.cr2() : null,
                d.gate().offset(), frame);
    }
}
