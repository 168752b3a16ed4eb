package xpf.properties.fuzz;

import java.util.Locale;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Operation;
import xpf.model.scenario.Scenario;
import xpf.model.scenario.Step;
import xpf.properties.check.Violation;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.trace.Trace;

/**
 * What makes two fuzz failures "the same bug": the failing check ({@code oracle.class}, {@code injection.cr2}, ...)
 * and the path of the failing step: the domain kind, the operation and the outcome class the simulator gave
 * ({@code hvm-svm/access-write/injected}). A finer key (the exact Xen decision points) would split one bug into many
 * entries as shrinking moves it; a coarser one (the check alone) would merge a PV and an HVM bug.
 */
public record FindingKey(String check, String path) {

    /** The key of {@code v} raised by {@code s} (runs the scenario once more, without checks, to see the step). */
    public static FindingKey of(Scenario s, Violation v) {
        return new FindingKey(v.check(), path(s, v.step()));
    }

    /** The path of step {@code index} (the last step when the violation is not tied to one). */
    static String path(Scenario s, int index) {
        if (s.steps().isEmpty()) {
            return "no-steps";
        }
        int i = index < 0 || index >= s.steps().size() ? s.steps().size() - 1 : index;
        Step st = s.steps().get(i);
        String kind = s.domain(st.domain()).kind().wireName();
        String op = opName(st.op());
        String outcome;
        try {
            ScenarioRunner.Run run = ScenarioRunner.run(s, new Trace());
            outcome = i < run.steps().size() ? run.steps().get(i).outcome().outcomeClass().wireName() : "not-reached";
        } catch (RuntimeException | StackOverflowError e) {
            outcome = "exception-" + e.getClass().getSimpleName();
        }
        return kind + "/" + op + "/" + outcome;
    }

    static String opName(Operation op) {
        if (op instanceof GuestAccess a) {
            return "access-" + a.kind().name().toLowerCase(Locale.ROOT);
        }
        return op.opName();
    }

    /** A file-name-safe slug: {@code oracle.class--hvm-svm_access-write_injected}. */
    public String slug() {
        return (check + "--" + path).replaceAll("[^A-Za-z0-9._-]+", "_");
    }

    @Override
    public String toString() {
        return check + " @ " + path;
    }
}
