package xpf.sim.scenario.cli;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.Expectation;
import xpf.model.scenario.OutcomeFields;
import xpf.model.scenario.Scenario;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.scenario.load.LoadedScenario;
import xpf.sim.trace.TraceEvent;
import xpf.sim.xen.XenSymbols;

/**
 * Renders a run as the numbered call flow of {@code xpf explain}, in the vocabulary of the seed mail:
 * {@code 1. #PF in guest (va=0x3010, ec=P|W) → 2. do_page_fault → 3. fixup_page_fault: ptwr → emulated}. Each kind
 * of trace event has one form; {@code CALL} events show their C symbol with its result, and the Xen file and version
 * from {@link XenSymbols} when the mirroring class registered there.
 */
public final class CallFlow {

    /** "→" where the output can encode it, "->" otherwise. */
    static final String ARROW = Charset.defaultCharset().newEncoder().canEncode('→')
            && System.out.charset().newEncoder().canEncode('→') ? "→" : "->";

    private CallFlow() {
    }

    /** The whole explanation: a header, then each step's flow, outcome and expectation check. */
    public static String explain(LoadedScenario ls, ScenarioRunner.Run run) {
        StringBuilder b = new StringBuilder();
        Scenario s = ls.scenario();
        b.append(header(ls)).append('\n');
        for (ScenarioRunner.StepResult r : run.steps()) {
            b.append('\n');
            List<TraceEvent> events = run.trace().eventsOfStep(r.index());
            b.append(stepHeader(r, opSummary(r, events))).append('\n');
            int n = 0;
            boolean headerOp = true;
            for (TraceEvent e : events) {
                if (e.kind() == TraceEvent.Kind.OP && headerOp) {
                    headerOp = false;
                    continue; // shown in the step header
                }
                if (e.kind() == TraceEvent.Kind.OUTCOME) {
                    continue;
                }
                n++;
                b.append("  ").append(n == 1 ? "" : ARROW + " ").append(n).append(". ").append(event(e))
                        .append('\n');
            }
            b.append("  ").append(ARROW).append(' ').append(r.outcome().outcomeClass().wireName())
                    .append(fields(r.outcome().fields())).append('\n');
            b.append("  ").append(expectationLine(r)).append('\n');
        }
        b.append('\n').append(verdict(run)).append('\n');
        if (s.steps().isEmpty()) {
            b.append("(no steps)\n");
        }
        return b.toString();
    }

    static String header(LoadedScenario ls) {
        Scenario s = ls.scenario();
        List<String> doms = new ArrayList<>();
        for (DomainSpec d : s.domains()) {
            doms.add(d.name() + " (" + d.kind().wireName() + (d.paging() == null ? "" : ", " + d.paging().wireName())
                    + ", " + d.vcpus().size() + " vCPU" + (d.vcpus().size() == 1 ? "" : "s") + ")");
        }
        StringBuilder b = new StringBuilder();
        b.append(s.name()).append(" (").append(ls.file()).append(")\n");
        b.append("machine: ").append(s.machine().vendor().wireName()).append(", maxphyaddr ")
                .append(s.machine().maxPhyAddr()).append(", ").append(s.machine().xen().wireName());
        if (!s.bugs().isEmpty()) {
            b.append(", bugs: ").append(String.join(" ", s.bugs()));
        }
        b.append("\ndomains: ").append(String.join(", ", doms));
        if (!s.description().isBlank()) {
            b.append('\n').append(s.description().strip());
        }
        return b.toString();
    }

    static String stepHeader(ScenarioRunner.StepResult r, String op) {
        StringBuilder b = new StringBuilder("steps[").append(r.index()).append("]");
        if (r.step().line() > 0) {
            b.append(" (line ").append(r.step().line()).append(")");
        }
        b.append(": ").append(r.step().domain()).append(" vcpu ").append(r.step().vcpu()).append(": ");
        b.append(op);
        if (r.step().note() != null) {
            b.append(" -- ").append(r.step().note());
        }
        return b.toString();
    }

    /** The step header with the op's recorded fields, when the trace has them. */
    static String opSummary(ScenarioRunner.StepResult r, List<TraceEvent> events) {
        for (TraceEvent e : events) {
            if (e.kind() == TraceEvent.Kind.OP) {
                return e.name() + fields(e.fields());
            }
        }
        return r.step().op().opName();
    }

    /** One event in the call-flow vocabulary. */
    public static String event(TraceEvent e) {
        SequencedMap<String, String> f = new LinkedHashMap<>(e.fields());
        return switch (e.kind()) {
            case OP -> "guest " + e.name() + fields(f);
            case HARDWARE -> {
                String where = f.remove("in");
                yield e.name() + " in " + (where == null ? "guest" : where) + fields(f);
            }
            case VMEXIT -> "VM exit " + e.name() + fields(f);
            case CALL -> {
                String result = f.remove("result");
                String src = XenSymbols.lookup(e.name()).map(x -> "  [" + x.file() + ", Xen " + x.version() + "]")
                        .orElse("");
                yield e.name() + (result == null ? "" : ": " + result) + fields(f) + src;
            }
            case XENTRACE -> "xentrace " + e.name() + fields(f);
            case RESUME -> "resume " + e.name() + fields(f);
            case NOTE -> "note: " + e.name();
            case OUTCOME -> e.name() + fields(f);
        };
    }

    static String fields(Map<String, String> f) {
        if (f.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder(" (");
        boolean first = true;
        for (Map.Entry<String, String> e : f.entrySet()) {
            if (!first) {
                b.append(", ");
            }
            first = false;
            b.append(e.getKey()).append('=').append(e.getValue());
        }
        return b.append(')').toString();
    }

    /** "expected ...: matches" / "expected ...: DIFFERS: ..." / "no expectation". */
    static String expectationLine(ScenarioRunner.StepResult r) {
        Expectation x = r.step().expect();
        if (x == null) {
            return "(no expectation)";
        }
        String want = "expected " + expected(x, r);
        return r.passed() ? want + ": matches" : want + ": DIFFERS: " + String.join("; ", r.differences());
    }

    /** The expectation in canonical form (normalised like the comparison does). */
    static String expected(Expectation x, ScenarioRunner.StepResult r) {
        StringBuilder b = new StringBuilder(x.outcome().wireName());
        Map<String, String> actual = r.outcome().fields();
        x.fields().forEach((k, v) -> {
            String shown;
            try {
                shown = OutcomeFields.normalize(k, v, vectorFor(k, x, actual));
            } catch (IllegalArgumentException e) {
                shown = v;
            }
            b.append(' ').append(k).append('=').append(shown);
        });
        return b.toString();
    }

    private static int vectorFor(String key, Expectation x, Map<String, String> actual) {
        String prefix = key.contains(".") ? key.substring(0, key.lastIndexOf('.') + 1) : "";
        String v = actual.get(prefix + "vector");
        if (v == null) {
            v = x.fields().get(prefix + "vector");
        }
        try {
            return v == null ? -1 : (int) OutcomeFields.parseNumber(v);
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    static String verdict(ScenarioRunner.Run run) {
        long checked = run.steps().stream().filter(r -> r.step().expect() != null).count();
        long failed = run.failures().size();
        return failed == 0 ? "all " + checked + " expectation" + (checked == 1 ? "" : "s") + " met"
                : failed + " of " + checked + " expectation" + (checked == 1 ? "" : "s") + " not met";
    }
}
