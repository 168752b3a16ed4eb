package xpf.conformance.allure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.TreeMap;
import xpf.model.scenario.Expectation;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.trace.Trace;
import xpf.sim.trace.TraceEvent;

/**
 * Turns a scenario run into the steps of its Allure result: one step per scenario step ({@code 1. access write
 * va=0x3010}), and inside it the Xen call trace as the seed mail tells it ({@code #PF va=0x3010 ec=P|W},
 * {@code do_page_fault va=0x3010 ec=P|W}, {@code fixup_page_fault: ptwr}, ..., {@code outcome: emulated fixup=ptwr}).
 * The outcome step of a step whose expectation differs is failed and carries the differences, so a failing result
 * reads top to bottom like the mail, ending where Xen's behaviour departs from the expectation.
 */
public final class XenCallTrace {

    /** One step of the tree: name, status, failure message (or null), parameters, children. */
    public record CallStep(String name, ScenarioVerdict.Kind status, String message,
            SequencedMap<String, String> parameters, List<CallStep> children) {
        public CallStep {
            parameters = new LinkedHashMap<>(parameters);
            children = List.copyOf(children);
        }
    }

    private XenCallTrace() {
    }

    /** The steps of a report: from the run when it completed, else from the partial trace of a broken run. */
    public static List<CallStep> steps(ScenarioReport r) {
        if (r.run() != null) {
            return fromRun(r.run());
        }
        if (r.trace() != null && !r.trace().events().isEmpty()) {
            return fromPartialTrace(r.trace(), r.error() == null ? "stopped" : String.valueOf(r.error().getMessage()));
        }
        return List.of();
    }

    static List<CallStep> fromRun(ScenarioRunner.Run run) {
        List<CallStep> out = new ArrayList<>();
        for (ScenarioRunner.StepResult s : run.steps()) {
            List<CallStep> children = new ArrayList<>();
            boolean differs = !s.passed();
            for (TraceEvent e : run.trace().eventsOfStep(s.index())) {
                if (e.kind() == TraceEvent.Kind.OP) {
                    continue; // the op is the parent step's name
                }
                if (e.kind() == TraceEvent.Kind.OUTCOME && differs) {
                    children.add(new CallStep(eventName(e), ScenarioVerdict.Kind.FAILED,
                            String.join("\n", s.differences()), new LinkedHashMap<>(), List.of()));
                } else {
                    children.add(new CallStep(eventName(e), ScenarioVerdict.Kind.PASSED, null, new LinkedHashMap<>(),
                            List.of()));
                }
            }
            SequencedMap<String, String> params = new LinkedHashMap<>();
            if (s.step().expect() != null) {
                params.put("expected", expectation(s.step().expect()));
            }
            params.put("actual", s.outcome().summary());
            if (s.step().note() != null && !s.step().note().isBlank()) {
                params.put("note", s.step().note());
            }
            out.add(new CallStep((s.index() + 1) + ". " + opLabel(run, s),
                    differs ? ScenarioVerdict.Kind.FAILED : ScenarioVerdict.Kind.PASSED,
                    differs ? String.join("\n", s.differences()) : null, params, children));
        }
        return out;
    }

    static List<CallStep> fromPartialTrace(Trace t, String why) {
        Map<Integer, List<TraceEvent>> byStep = new TreeMap<>();
        for (TraceEvent e : t.events()) {
            byStep.computeIfAbsent(e.step(), k -> new ArrayList<>()).add(e);
        }
        List<CallStep> out = new ArrayList<>();
        int last = byStep.isEmpty() ? -1 : ((TreeMap<Integer, List<TraceEvent>>) byStep).lastKey();
        for (Map.Entry<Integer, List<TraceEvent>> g : byStep.entrySet()) {
            String label = g.getValue().stream().filter(e -> e.kind() == TraceEvent.Kind.OP).findFirst()
                    .map(XenCallTrace::eventName).orElse("step");
            List<CallStep> children = new ArrayList<>();
            for (TraceEvent e : g.getValue()) {
                if (e.kind() != TraceEvent.Kind.OP) {
                    children.add(new CallStep(eventName(e), ScenarioVerdict.Kind.PASSED, null, new LinkedHashMap<>(),
                            List.of()));
                }
            }
            boolean broke = g.getKey() == last;
            out.add(new CallStep((g.getKey() + 1) + ". " + label,
                    broke ? ScenarioVerdict.Kind.BROKEN : ScenarioVerdict.Kind.PASSED, broke ? why : null,
                    new LinkedHashMap<>(), children));
        }
        return out;
    }

    /** The step's operation as the trace printed it ({@code access write va=0x3010 size=8}), or its op name. */
    public static String opLabel(ScenarioRunner.Run run, ScenarioRunner.StepResult s) {
        return run.trace().eventsOfStep(s.index()).stream().filter(e -> e.kind() == TraceEvent.Kind.OP).findFirst()
                .map(XenCallTrace::eventName).orElse(s.step().op().opName());
    }

    /** One trace event as a step name, in the seed mail's vocabulary. */
    public static String eventName(TraceEvent e) {
        StringBuilder b = new StringBuilder();
        Map<String, String> fields = new LinkedHashMap<>(e.fields());
        switch (e.kind()) {
            case CALL -> {
                b.append(e.name());
                String result = fields.remove("result");
                if (result != null) {
                    b.append(": ").append(result);
                }
            }
            case OUTCOME -> b.append("outcome: ").append(e.name());
            case XENTRACE -> b.append("xentrace ").append(e.name());
            case NOTE -> b.append("note: ").append(e.name());
            default -> b.append(e.name());
        }
        fields.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
        return b.toString();
    }

    static String expectation(Expectation e) {
        StringBuilder b = new StringBuilder(e.outcome().wireName());
        e.fields().forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
        return b.toString();
    }
}
