package xpf.sim.trace;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.SequencedMap;

/**
 * One event of a scenario run: a guest operation, a hardware fault, a VM exit, a Xen decision point under its
 * mirrored C name, a xentrace record, or the step's outcome. Field values are canonical strings (hex addresses,
 * symbolic error codes), so the rendered trace is byte-identical for the same scenario on any machine.
 */
public record TraceEvent(int seq, int step, Kind kind, String name, SequencedMap<String, String> fields) {

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

    public TraceEvent {
        fields = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(fields));
    }

    /** One line: {@code 12 [3] CALL fixup_page_fault result=ptwr va=0x...}. */
    public String line() {
        StringBuilder b = new StringBuilder();
        b.append(seq).append(" [").append(step).append("] ").append(kind).append(' ').append(name);
        fields.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
        return b.toString();
    }
}
