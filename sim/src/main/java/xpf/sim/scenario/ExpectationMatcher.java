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
            String want;
            try {
                want = OutcomeFields.normalize(key, f.getValue(), vectorFor(key, e.fields(), actual));
            } catch (IllegalArgumentException unreadable) {
                // the loader accepted the value for the expectation's own vector, and the outcome has no vector
                // that reads it (a #PF error code where another vector came): it cannot match, so say so
                want = f.getValue().trim();
            }
            String got = actual.get(key);
            if (got == null) {
                diffs.add(key + ": expected " + want + ", but the outcome has no such field (" + o.summary() + ")");
            } else if (!got.equals(want)) {
                diffs.add(key + ": expected " + want + ", got " + got);
            }
        }
        return diffs;
    }

    /**
     * The vector that gives an error-code field its meaning: the one beside it ("delivery.vector" for delivery.*),
     * as the expectation states it, else as the outcome has it. The expectation's own vector comes first: an
     * expected {@code error_code: U} is a #PF error code even when the simulator delivered another vector (it used to
     * be read as a number then, and the run threw instead of reporting the difference; fuzz seed 21 try 1,087,792).
     */
    private static int vectorFor(String key, Map<String, String> expected, Map<String, String> actual) {
        String prefix = key.contains(".") ? key.substring(0, key.lastIndexOf('.') + 1) : "";
        for (Map<String, String> m : List.of(expected, actual)) {
            String v = m.get(prefix + "vector");
            if (v == null) {
                v = m.get("vector");
            }
            if (v != null) {
                return (int) OutcomeFields.parseNumber(v);
            }
        }
        return -1;
    }
}
