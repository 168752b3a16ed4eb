package xpf.conformance.allure;

import java.util.List;
import xpf.sim.scenario.ScenarioRunner;

/**
 * The "expected vs actual" attachment: one row per step with the scenario's expectation, the simulator's outcome,
 * the reference model's answer when the caller gave one, and the differences; differing rows in red. HTML, so
 * Allure shows it inline as a table.
 */
public final class ExpectedVsActual {

    private ExpectedVsActual() {
    }

    public static String html(ScenarioReport r) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>")
                .append("body{font-family:DejaVu Sans,Arial,sans-serif;font-size:12px;margin:6px}")
                .append("table{border-collapse:collapse;width:100%;table-layout:fixed}")
                .append("th,td{border:1px solid #ccc;padding:3px 5px;overflow-wrap:anywhere;")
                .append("vertical-align:top;text-align:left}th{background:#f0f0f0}code{font-family:DejaVu Sans Mono,")
                .append("monospace;font-size:11px}th.n,td.n{width:2.5em}tr.bad td{background:#fbe0df}tr.ok td.v{color:#2b6b2b}")
                .append("</style></head><body>");
        b.append("<p><b>").append(FlowDiagram.esc(r.scenario().name())).append("</b> — ")
                .append(FlowDiagram.esc(r.scenario().machine().xen().wireName())).append(", ")
                .append(FlowDiagram.esc(ScenarioLabels.epic(r.scenario()))).append("</p>");
        ScenarioRunner.Run run = r.run();
        if (run == null) {
            b.append("<p>The scenario did not complete: ")
                    .append(FlowDiagram.esc(r.verdict().message())).append("</p></body></html>");
            return b.toString();
        }
        boolean withRef = !r.reference().isEmpty();
        b.append("<table><tr><th class=\"n\">step</th><th>operation</th><th>expected (scenario)</th><th>actual (simulator)</th>");
        if (withRef) {
            b.append("<th>reference model</th>");
        }
        b.append("<th>differences</th></tr>");
        for (ScenarioRunner.StepResult s : run.steps()) {
            List<ReferenceAnswer> ref = r.reference().stream().filter(a -> a.step() == s.index()).toList();
            boolean bad = !s.passed() || ref.stream().anyMatch(a -> !a.agrees());
            b.append("<tr class=\"").append(bad ? "bad" : "ok").append("\"><td class=\"n\">").append(s.index() + 1)
                    .append("</td><td><code>").append(FlowDiagram.esc(XenCallTrace.opLabel(run, s)))
                    .append("</code></td><td><code>")
                    .append(s.step().expect() == null ? "(none)"
                            : FlowDiagram.esc(XenCallTrace.expectation(s.step().expect())))
                    .append("</code></td><td class=\"v\"><code>").append(FlowDiagram.esc(s.outcome().summary()))
                    .append("</code></td>");
            if (withRef) {
                b.append("<td><code>");
                for (ReferenceAnswer a : ref) {
                    b.append(FlowDiagram.esc(a.expected()));
                    if (a.rule() != null) {
                        b.append(" <i>(").append(FlowDiagram.esc(a.rule())).append(")</i>");
                    }
                }
                b.append("</code></td>");
            }
            b.append("<td>");
            for (String d : s.differences()) {
                b.append(FlowDiagram.esc(d)).append("<br>");
            }
            for (ReferenceAnswer a : ref) {
                if (!a.agrees()) {
                    b.append("reference expects ").append(FlowDiagram.esc(a.expected())).append("<br>");
                }
            }
            b.append("</td></tr>");
        }
        b.append("</table></body></html>");
        return b.toString();
    }
}
