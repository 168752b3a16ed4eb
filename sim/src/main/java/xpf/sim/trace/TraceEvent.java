package xpf.sim.trace;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.SequencedMap;

/**
 * One event of a scenario run: a guest operation, a hardware fault, a VM exit, a Xen decision point under its
 * mirrored C name, a xentrace record, or the step's outcome. Field values are canonical strings (hex addresses,
 * symbolic error codes), so the rendered trace is byte-identical for the same scenario on any machine.
 *
 * <p>Values of immutable types (numbers, strings, enums, {@link Trace.Ec}) are kept as recorded and rendered to
 * their strings the first time {@link #fields()} is asked for: most events of a fuzz try are never read, and
 * rendering every one at record time was most of the trace's cost (docs/performance.md). Any other value is rendered
 * when it is recorded, as before, since it might change afterwards. Either way {@link #fields()} is the same map.
 * Equality, hash code and {@code toString} are those of the record this class replaced.
 */
public final class TraceEvent {

    /** Event kinds, in the vocabulary of the seed mail. */
    public enum Kind {
        /** A guest operation starts (access, hypercall, CR write...). */
        OP,
        /** The (simulated) hardware raised something: #PF in the guest, #PF in Xen, an IDT delivery. */
        HARDWARE,
        /** An HVM guest left to Xen: #VMEXIT / VM exit with its fields. */
        VMEXIT,
        /** A Xen decision point ran: {@code name} is the C symbol; fields carry its inputs and {@code result}. */
        CALL,
        /** A xentrace record Xen would emit: {@code name} is the TRC_* name; fields carry id and payload. */
        XENTRACE,
        /** Xen resumed the guest: VMRUN / VMRESUME, or a return to a PV guest. */
        RESUME,
        /** The step's outcome. */
        OUTCOME,
        /** Free-form remark (e.g. a profile difference taken). */
        NOTE
    }

    private final int seq;
    private final int step;
    private final Kind kind;
    private final String name;
    /** Key/value pairs as recorded (keys are strings; values immutable or already rendered). */
    private final Object[] raw;
    /** The rendered fields, once asked for (volatile: a report may read an event on another thread). */
    private volatile SequencedMap<String, String> fields;

    /** An event with its fields already rendered. */
    public TraceEvent(int seq, int step, Kind kind, String name, SequencedMap<String, String> fields) {
        this.seq = seq;
        this.step = step;
        this.kind = kind;
        this.name = name;
        this.raw = null;
        this.fields = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(fields));
    }

    /** An event whose fields are rendered on first use; {@code kv} is owned by the event from now on. */
    TraceEvent(int seq, int step, Kind kind, String name, Object[] kv) {
        this.seq = seq;
        this.step = step;
        this.kind = kind;
        this.name = name;
        this.raw = kv;
    }

    public int seq() {
        return seq;
    }

    public int step() {
        return step;
    }

    public Kind kind() {
        return kind;
    }

    public String name() {
        return name;
    }

    /** The fields in recording order (a repeated key keeps its first place and its last value). */
    public SequencedMap<String, String> fields() {
        SequencedMap<String, String> f = fields;
        if (f == null) {
            Object[] kv = raw;
            LinkedHashMap<String, String> m = new LinkedHashMap<>(Math.max(4, kv.length));
            for (int i = 0; i < kv.length; i += 2) {
                m.put((String) kv[i], Trace.render(kv[i + 1]));
            }
            f = Collections.unmodifiableSequencedMap(m);
            fields = f;
        }
        return f;
    }

    /** One line: {@code 12 [3] CALL fixup_page_fault result=ptwr va=0x...}. */
    public String line() {
        StringBuilder b = new StringBuilder();
        b.append(seq).append(" [").append(step).append("] ").append(kind).append(' ').append(name);
        fields().forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TraceEvent e && seq == e.seq && step == e.step && kind == e.kind
                && name.equals(e.name) && fields().equals(e.fields());
    }

    @Override
    public int hashCode() {
        return Objects.hash(seq, step, kind, name, fields());
    }

    @Override
    public String toString() {
        return "TraceEvent[seq=" + seq + ", step=" + step + ", kind=" + kind + ", name=" + name + ", fields="
                + fields() + "]";
    }
}
