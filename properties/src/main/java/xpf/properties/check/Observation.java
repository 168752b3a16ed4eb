package xpf.properties.check;

import java.util.List;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Outcome;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.Scenario;
import xpf.model.scenario.Step;
import xpf.sim.domain.GuestDomain;
import xpf.sim.trace.TraceEvent;

/**
 * Everything the invariants see about one step: the scenario, the step and its index, the acting domain (live, after
 * the step) with its spec, the snapshot taken before the step, the outcome, and the step's trace events.
 */
public record Observation(Scenario scenario, int index, Step step, DomainSpec spec, GuestDomain domain,
        Snapshot before, Outcome outcome, List<TraceEvent> events) {

    public OutcomeClass outcomeClass() {
        return outcome.outcomeClass();
    }

    /** The step's access, or null when the step is not an access. */
    public GuestAccess access() {
        return step.op() instanceof GuestAccess a ? a : null;
    }

    /** Whether the step carries any fault-injection knob. */
    public boolean knobs() {
        return step.knobs().any();
    }

    /** Whether a CALL event of this symbol occurred in the step. */
    public boolean called(String symbol) {
        for (TraceEvent e : events) {
            if (e.kind() == TraceEvent.Kind.CALL && e.name().equals(symbol)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a CALL of {@code symbol} with {@code field=value} occurred. */
    public boolean called(String symbol, String field, String value) {
        for (TraceEvent e : events) {
            if (e.kind() == TraceEvent.Kind.CALL && e.name().equals(symbol) && value.equals(e.fields().get(field))) {
                return true;
            }
        }
        return false;
    }

    /** Whether a HARDWARE event of this name occurred (e.g. {@code fault_during_delivery}). */
    public boolean hardware(String name) {
        for (TraceEvent e : events) {
            if (e.kind() == TraceEvent.Kind.HARDWARE && e.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** The last CALL event of this symbol, or null. */
    public TraceEvent lastCall(String symbol) {
        TraceEvent last = null;
        for (TraceEvent e : events) {
            if (e.kind() == TraceEvent.Kind.CALL && e.name().equals(symbol)) {
                last = e;
            }
        }
        return last;
    }

    public long count(TraceEvent.Kind kind) {
        long n = 0;
        for (TraceEvent e : events) {
            if (e.kind() == kind) {
                n++;
            }
        }
        return n;
    }

    /** Whether a NOTE event containing {@code text} occurred. */
    public boolean noted(String text) {
        for (TraceEvent e : events) {
            if (e.kind() == TraceEvent.Kind.NOTE && e.name().contains(text)) {
                return true;
            }
        }
        return false;
    }

    /** A one-line description for messages: {@code steps[3] access va=0x400000 kind=write → injected ...}. */
    public String where() {
        return "steps[" + index + "] (" + step.op().opName() + (access() != null ? " va=0x"
                + Long.toHexString(access().va()) + " kind=" + access().kind().wireName() : "") + ", domain "
                + step.domain() + " vcpu " + step.vcpu() + ") → " + outcome.summary();
    }
}
