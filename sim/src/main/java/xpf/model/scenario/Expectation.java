package xpf.model.scenario;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.SequencedMap;

/**
 * What a step's author expects: the outcome class and any subset of its fields (names as in {@link Outcome#fields()},
 * values as written in the file; they are compared after normalising both sides with {@link OutcomeFields}).
 */
public record Expectation(OutcomeClass outcome, SequencedMap<String, String> fields) {
    public Expectation {
        fields = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(fields));
    }
}
