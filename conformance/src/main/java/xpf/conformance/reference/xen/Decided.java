package xpf.conformance.reference.xen;

import java.util.LinkedHashMap;
import java.util.SequencedMap;
import xpf.model.scenario.Outcome;

/**
 * A decided step: the outcome the model expects (built as the model's own {@link Outcome} record, so its fields
 * render exactly as {@code Outcome.fields()} does), the tag of the rule row that decided it and a one-line reason.
 */
record Decided(Outcome outcome, String rule, String reason) {

    Prediction prediction() {
        return new Prediction(outcome.outcomeClass(), outcome.fields(), rule, reason);
    }

    static Decided ok(Long value, String rule, String reason) {
        return new Decided(new Outcome.Completed(value), rule, reason);
    }

    static Decided fixed(String fixup, String rule, String reason) {
        return new Decided(new Outcome.Fixed(fixup, reason), rule, reason);
    }

    static Decided emulated(String what, String rule, String reason) {
        return new Decided(new Outcome.Emulated(what, null), rule, reason);
    }

    static Decided crash(String why, String rule, String reason) {
        return new Decided(new Outcome.DomainCrash(why, reason), rule, reason);
    }

    static Decided panic(String why, String rule, String reason) {
        return new Decided(new Outcome.Panic(why, reason), rule, reason);
    }

    static Decided hypercall(String name, long rc, Integer done, String rule, String reason) {
        return new Decided(new Outcome.HypercallReturned(name, rc, done), rule, reason);
    }

    static Decided delivered(int vector, Integer errorCode, Long cr2, long handler, SequencedMap<String, Long> frame,
            String rule, String reason) {
        return new Decided(new Outcome.Delivered(vector, errorCode, cr2, handler, new LinkedHashMap<>(frame)), rule,
                reason);
    }
}
