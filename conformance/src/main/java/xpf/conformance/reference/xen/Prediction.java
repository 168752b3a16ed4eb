package xpf.conformance.reference.xen;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.SequencedMap;
import xpf.model.scenario.OutcomeClass;

/**
 * What the reference model expects of one step: the outcome class and the fields it predicts exactly (canonical
 * strings as in {@code Outcome.fields()}), the rule tag that decided it (e.g. {@code pv.2.3d}, {@code hvm.3.F21},
 * {@code 1.1c}) and a one-line reason. A null class means "not modelled".
 */
public record Prediction(OutcomeClass outcome, SequencedMap<String, String> fields, String rule, String reason) {

    public Prediction {
        fields = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(fields == null ? new LinkedHashMap<>()
                : fields));
    }

    public static Prediction notModelled(String why) {
        return new Prediction(null, null, null, why);
    }

    public boolean modelled() {
        return outcome != null;
    }

    /** One line: {@code delivered vector=14 error_code=P|W [pv.2.5: forwarded to the guest handler]}. */
    public String summary() {
        if (!modelled()) {
            return "not modelled (" + reason + ")";
        }
        StringBuilder b = new StringBuilder(outcome.wireName());
        fields.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
        return b.append(" [").append(rule).append(": ").append(reason).append(']').toString();
    }
}
