package xpf.conformance.allure;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.HvmPaging;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.Scenario;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.trace.TraceEvent;

/**
 * The labels and links of a scenario's result, so the Behaviors tab groups results the way a Xen engineer thinks:
 * epic = the path (PV, HVM-SVM, HVM-VMX, HAP, or x86 for bare-metal walks), feature = the Xen decision point that
 * decided the outcome, story = each rule tag; severity marks isolation breaks and panics.
 */
public final class ScenarioLabels {

    /** Label names used beyond Allure's standard ones; the report's xpf widget reads them. */
    public static final String OUTCOME = "xpf.outcome";
    public static final String XEN = "xpf.xen";
    public static final String VENDOR = "xpf.vendor";

    /**
     * Dispatchers and plumbing the trace passes through on every fault: they never name the decision. The feature
     * is the last decision point of the decisive step that is not one of these.
     */
    private static final Set<String> PLUMBING = Set.of("entry_PF", "handle_exception", "handle_PF_IDT",
            "svm_vmexit_handler", "vmx_vmexit_handler", "vmx_asm_vmexit_handler", "svm_asm_do_resume",
            "x86_emulate", "guest_walk_tables", "create_bounce_frame", "test_all_events", "svm_inject_event",
            "vmx_inject_event", "__vmx_inject_exception", "hvm_inject_event", "pv_inject_event");

    /** One label. */
    public record Label(String name, String value) {
    }

    private ScenarioLabels() {
    }

    /** The domain the result is about: the first one that runs under Xen, else the first. */
    static DomainSpec mainDomain(Scenario s) {
        return s.domains().stream().filter(d -> d.kind() != DomainKind.BARE).findFirst().orElse(s.domains().isEmpty()
                ? null : s.domains().get(0));
    }

    /** PV, HVM-SVM, HVM-VMX, HAP or x86. */
    public static String epic(Scenario s) {
        DomainSpec d = mainDomain(s);
        if (d == null) {
            return "x86";
        }
        return switch (d.kind()) {
            case PV64, PV32 -> "PV";
            case HVM_SVM -> d.paging() == HvmPaging.HAP ? "HAP" : "HVM-SVM";
            case HVM_VMX -> d.paging() == HvmPaging.HAP ? "HAP" : "HVM-VMX";
            case BARE -> "x86";
        };
    }

    /** The step that decided the verdict: the first that differs, else the last step with a Xen call, else the last. */
    static int decisiveStep(ScenarioRunner.Run run) {
        for (ScenarioRunner.StepResult s : run.steps()) {
            if (!s.passed()) {
                return s.index();
            }
        }
        int last = run.steps().size() - 1;
        for (int i = last; i >= 0; i--) {
            int idx = i;
            if (run.trace().eventsOfStep(idx).stream().anyMatch(e -> e.kind() == TraceEvent.Kind.CALL)) {
                return idx;
            }
        }
        return last;
    }

    /** The decision point: the last non-plumbing Xen function called in the decisive step. */
    public static String feature(ScenarioReport r) {
        if (r.run() == null) {
            return r.skipReason() != null ? "not applicable" : "harness or scenario error";
        }
        int step = decisiveStep(r.run());
        if (step < 0) {
            return "no steps";
        }
        List<TraceEvent> events = r.run().trace().eventsOfStep(step);
        String feature = null;
        String any = null;
        for (TraceEvent e : events) {
            if (e.kind() == TraceEvent.Kind.CALL) {
                any = e.name();
                if (!PLUMBING.contains(e.name())) {
                    feature = e.name();
                }
            }
        }
        if (feature != null || any != null) {
            return feature != null ? feature : any;
        }
        boolean fault = events.stream().anyMatch(e -> e.kind() == TraceEvent.Kind.HARDWARE);
        return fault ? "x86 exception" : "x86 access";
    }

    /** blocker: a guest made Xen panic unexpectedly; critical: isolation (XSA) scenarios; normal otherwise. */
    public static String severity(ScenarioReport r, ScenarioVerdict v) {
        boolean isolation = r.scenario().tags().stream().map(t -> t.toLowerCase(Locale.ROOT))
                .anyMatch(t -> t.startsWith("xsa") || t.contains("isolation"));
        if (v.kind() == ScenarioVerdict.Kind.FAILED && r.run() != null && r.run().steps().stream()
                .anyMatch(s -> !s.passed() && s.outcome().outcomeClass() == OutcomeClass.PANIC)) {
            return "blocker";
        }
        if (isolation || (v.kind() == ScenarioVerdict.Kind.FAILED && v.details().toLowerCase(Locale.ROOT)
                .contains("isolation"))) {
            return "critical";
        }
        return "normal";
    }

    /** Every label of the result. */
    public static List<Label> labels(ScenarioReport r, ScenarioVerdict v) {
        Scenario s = r.scenario();
        List<Label> out = new ArrayList<>();
        out.add(new Label("epic", epic(s)));
        out.add(new Label("feature", feature(r)));
        if (s.tags().isEmpty()) {
            out.add(new Label("story", "untagged"));
        }
        for (String t : s.tags()) {
            out.add(new Label("story", t));
        }
        out.add(new Label("severity", severity(r, v)));
        out.add(new Label(XEN, s.machine().xen().wireName()));
        out.add(new Label(VENDOR, s.machine().vendor().name().toLowerCase(Locale.ROOT)));
        Set<String> tags = new LinkedHashSet<>();
        tags.add(s.machine().xen().wireName());
        tags.add(s.machine().vendor().name().toLowerCase(Locale.ROOT));
        for (DomainSpec d : s.domains()) {
            tags.add(d.kind().wireName() + (d.paging() != null && d.kind().hvm() ? "/" + d.paging().wireName() : ""));
        }
        for (String b : s.bugs()) {
            tags.add("bug:" + b);
        }
        for (String t : tags) {
            out.add(new Label("tag", t));
        }
        if (r.run() != null) {
            Set<String> outcomes = new LinkedHashSet<>();
            r.run().steps().forEach(st -> outcomes.add(st.outcome().outcomeClass().wireName()));
            outcomes.forEach(o -> out.add(new Label(OUTCOME, o)));
        }
        return out;
    }

    /** The distinct Xen functions the trace called, in first-call order, as links into the profile's Xen tree. */
    public static List<XenSourceLinks.Target> links(ScenarioReport r) {
        if (r.trace() == null) {
            return List.of();
        }
        Set<String> symbols = new LinkedHashSet<>();
        for (TraceEvent e : r.trace().events()) {
            if (e.kind() == TraceEvent.Kind.CALL) {
                symbols.add(e.name());
            }
        }
        return symbols.stream().map(sym -> XenSourceLinks.target(sym, r.scenario().machine().xen())).toList();
    }
}
