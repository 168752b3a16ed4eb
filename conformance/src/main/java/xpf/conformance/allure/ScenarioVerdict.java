package xpf.conformance.allure;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import xpf.sim.scenario.ScenarioRunner;

/**
 * The verdict of one scenario run in Allure's four states, which are XTF's four outcomes (practices-and-style.md):
 * passed (SUCCESS), failed = Xen semantics violated (FAILURE), broken = harness or scenario error (ERROR), skipped =
 * configuration not applicable (SKIP). {@code message} is one line for the result's header; {@code details} the rest.
 */
public record ScenarioVerdict(Kind kind, String message, String details) {

    /** The four outcomes. */
    public enum Kind {
        PASSED, FAILED, BROKEN, SKIPPED;

        /** Allure's status name. */
        public String allure() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public boolean passed() {
        return kind == Kind.PASSED;
    }

    static ScenarioVerdict of(ScenarioReport r) {
        if (r.skipReason() != null) {
            return new ScenarioVerdict(Kind.SKIPPED, "not applicable: " + r.skipReason(), "");
        }
        if (r.error() != null) {
            StringWriter sw = new StringWriter();
            r.error().printStackTrace(new PrintWriter(sw));
            String msg = r.error().getMessage() == null ? r.error().getClass().getName() : r.error().getMessage();
            return new ScenarioVerdict(Kind.BROKEN, "harness or scenario error: " + msg, sw.toString());
        }
        ScenarioRunner.Run run = r.run();
        if (run == null) {
            return new ScenarioVerdict(Kind.BROKEN, "harness error: no run and no error recorded", "");
        }
        List<String> lines = new ArrayList<>();
        for (ScenarioRunner.StepResult s : run.steps()) {
            for (String d : s.differences()) {
                lines.add("step " + (s.index() + 1) + " (" + XenCallTrace.opLabel(run, s) + "): " + d);
            }
        }
        for (ReferenceAnswer a : r.reference()) {
            if (!a.agrees()) {
                lines.add("step " + (a.step() + 1) + ": reference model" + (a.rule() == null ? "" : " (" + a.rule() + ")")
                        + " expects " + a.expected() + ", simulator gives " + a.actual());
            }
        }
        if (lines.isEmpty()) {
            return new ScenarioVerdict(Kind.PASSED, "", "");
        }
        String first = "Xen semantics violated: " + lines.get(0)
                + (lines.size() > 1 ? " (and " + (lines.size() - 1) + " more)" : "");
        return new ScenarioVerdict(Kind.FAILED, first, String.join("\n", lines));
    }
}
