package xpf.sim.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import xpf.model.scenario.Expectation;
import xpf.model.scenario.Outcome;
import xpf.model.scenario.OutcomeFields;

/** Compares a step's expectation with its actual outcome; each difference is one readable line. */
public final class ExpectationMatcher {

    private ExpectationMatcher() {
    }

    public static List<String> differences(Expectation e, Outcome o) {
        List<String> diffs = new ArrayList<>();
        if (e == null) {
            return diffs;
        }
        if (e.outcome() != o.outcomeClass()) {
            diffs.add("outcome: expected " + e.outcome().wireName() + ", got " + o.summary());
            return diffs;
        }
        Map<String, String> actual = o.fields();
        for (Map.Entry<String, String> f : e.fields().entrySet()) {
            String key = f.getKey();
            String want = OutcomeFields.normalize(key, f.getValue(), vectorFor(key, actual));
            String got = actual.get(key);
            if (got == null) {
                diffs.add(key + ": expected " + want + ", but the outcome has no such field (" + o.summary() + ")");
            } else if (!got.equals(want)) {
                diffs.add(key + ": expected " + want + ", got " + got);
            }
        }
        return diffs;
    }

    /** The vector that gives an error-code field its meaning: the one beside it ("delivery.vector" for delivery.*). */
    private static int vectorFor(String key, Map<String, String> actual) {
        String prefix = key.contains(".") ? key.substring(0, key.lastIndexOf('.') + 1) : "";
        String v = actual.get(prefix + "vector");
        if (v == null) {
            v = actual.get("vector");
        }
        return v == null ? -1 : Integer.parseInt(v);
    }
}
