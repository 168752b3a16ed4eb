package xpf.model.scenario;

/**
 * One step of a scenario: which domain and vCPU act, the operation, its fault-injection knobs, and optionally what
 * the author expects. {@code line} is the step's line in the scenario file (0 if not from a file), for messages.
 */
public record Step(String domain, int vcpu, Operation op, Knobs knobs, Expectation expect, String note, int line) {
    public Step {
        if (knobs == null) {
            knobs = Knobs.NONE;
        }
    }
}
