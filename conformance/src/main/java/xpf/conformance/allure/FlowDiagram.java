package xpf.conformance.allure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import xpf.model.scenario.Expectation;
import xpf.model.scenario.OutcomeClass;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.trace.TraceEvent;

/**
 * An SVG drawing of the seed mail's flow with the path one step took highlighted. PV: #PF → entry_PF /
 * handle_exception → do_page_fault → fixup_page_fault (special cases: ptwr, LDT, spurious, shadow, MMIO) → fixed |
 * → pv_inject_page_fault → bounce frame → the handler the guest registered with set_trap_table. HVM: #VMEXIT 0x4E
 * (SVM) / exit reason 0 vector 14 (VMX) → svm/vmx_vmexit_handler → paging_fault → sh_page_fault → fixed / emulated /
 * MMIO | → hvm_inject_page_fault → VMRUN / VMRESUME. HAP and bare x86 get their own small flows.
 *
 * <p>A node is lit (blue) when the step's trace has an event it stands for (a {@code CALL} of its Xen function, the
 * hardware event, the outcome). The reached outcome is red when the step's expectation differs; the expected outcome,
 * when not reached, gets a dashed outline, so a failure shows both paths.
 */
public final class FlowDiagram {

    private record Node(String id, int x, int y, int w, int h, List<String> lines, Predicate<TraceEvent> lights,
            Set<OutcomeClass> outcomes, Predicate<TraceEvent> outcomeFilter) {
    }

    private record Edge(String from, String to, String label) {
    }

    private record Flow(String title, int width, int height, List<Node> nodes, List<Edge> edges,
            List<String[]> implied) {
    }

    private FlowDiagram() {
    }

    /** The diagram for the decisive step of a completed run, or for the trace of a broken one. */
    public static String svg(ScenarioReport r) {
        String epic = ScenarioLabels.epic(r.scenario());
        Flow flow = switch (epic) {
            case "PV" -> pv();
            case "HVM-SVM" -> hvm(true);
            case "HVM-VMX" -> hvm(false);
            case "HAP" -> hap();
            default -> x86();
        };
        List<TraceEvent> events = new ArrayList<>();
        String caption;
        boolean failed = false;
        Expectation expected = null;
        if (r.run() != null && !r.run().steps().isEmpty()) {
            int step = ScenarioLabels.decisiveStep(r.run());
            ScenarioRunner.StepResult s = r.run().steps().get(step);
            events.addAll(r.run().trace().eventsOfStep(step));
            failed = !s.passed();
            expected = failed ? s.step().expect() : null;
            caption = "path of step " + (step + 1) + " (" + XenCallTrace.opLabel(r.run(), s) + ")"
                    + (failed ? ": differs from the expectation" : "");
        } else if (r.trace() != null && !r.trace().events().isEmpty()) {
            int last = r.trace().events().getLast().step();
            events.addAll(r.trace().eventsOfStep(last));
            caption = "path of step " + (last + 1) + " before the run stopped";
        } else {
            caption = "no trace";
        }
        return render(flow, events, failed, expected, r.scenario().name() + " [" + epic + ", "
                + r.scenario().machine().xen().wireName() + "]", caption);
    }

    // ---- flows -------------------------------------------------------------------------------------------------

    private static Predicate<TraceEvent> calls(String... symbols) {
        Set<String> s = Set.of(symbols);
        return e -> e.kind() == TraceEvent.Kind.CALL && s.contains(e.name());
    }

    private static Predicate<TraceEvent> kind(TraceEvent.Kind k, String contains) {
        return e -> e.kind() == k && (contains == null || e.name().toUpperCase(Locale.ROOT).contains(contains));
    }

    private static Predicate<TraceEvent> none() {
        return e -> false;
    }

    private static Predicate<TraceEvent> any() {
        return e -> true;
    }

    private static Node n(String id, int x, int y, int w, int h, Predicate<TraceEvent> lights, String... lines) {
        return new Node(id, x, y, w, h, List.of(lines), lights, Set.of(), any());
    }

    private static Node out(String id, int x, int y, int w, int h, Set<OutcomeClass> outcomes,
            Predicate<TraceEvent> filter, String... lines) {
        return new Node(id, x, y, w, h, List.of(lines), none(), outcomes, filter);
    }

    private static boolean fixupStartsWith(TraceEvent e, String prefix) {
        String f = e.fields().get("fixup");
        return f != null && f.startsWith(prefix);
    }

    static Flow pv() {
        List<Node> nodes = List.of(
                n("pf", 250, 40, 320, 44, kind(TraceEvent.Kind.HARDWARE, "#PF"), "#PF in the PV guest",
                        "(guest kernel or user; va → CR2, error code)"),
                n("entry", 250, 110, 320, 44, calls("entry_PF", "handle_exception", "handle_PF_IDT"),
                        "entry_PF → handle_exception", "x86_64/entry.S"),
                n("dpf", 250, 180, 320, 44, calls("do_page_fault", "handle_PF"), "do_page_fault (handle_PF)",
                        "traps.c: fault in guest or in Xen?"),
                out("panic", 620, 180, 180, 44, Set.of(OutcomeClass.PANIC), any(), "Xen panic", "FATAL PAGE FAULT"),
                n("fixup", 250, 250, 320, 44, calls("fixup_page_fault"), "fixup_page_fault",
                        "a \"special case\" Xen handles itself?"),
                n("ptwr", 20, 340, 80, 44, calls("ptwr_do_page_fault", "pv_ro_page_fault", "ptwr_emulated_update",
                        "x86_emulate"), "ptwr", "PT write"),
                n("ldt", 106, 340, 80, 44, calls("handle_gdt_ldt_mapping_fault", "handle_ldt_mapping_fault",
                        "pv_map_ldt_shadow_page"), "LDT", "lazy map"),
                n("spurious", 192, 340, 80, 44, calls("spurious_page_fault", "__page_fault_type",
                        "__spurious_page_fault"), "spurious", "stale TLB"),
                n("shadow", 278, 340, 80, 44, calls("paging_fault", "sh_page_fault"), "shadow", "log-dirty"),
                n("mmio", 364, 340, 80, 44, calls("mmio_ro_do_page_fault"), "MMIO ro", "dom0"),
                out("fixed", 20, 430, 424, 44, Set.of(OutcomeClass.FIXED, OutcomeClass.EMULATED), any(),
                        "fixed silently / emulated", "the guest never sees the fault"),
                n("inject", 470, 340, 330, 44, calls("pv_inject_page_fault", "propagate_page_fault",
                        "pv_inject_event"), "pv_inject_page_fault", "(propagate_page_fault in 3.1): forward it"),
                n("bounce", 470, 410, 330, 44, calls("create_bounce_frame", "test_all_events"),
                        "create_bounce_frame", "exception frame on the guest kernel stack"),
                out("handler", 470, 490, 200, 44, Set.of(OutcomeClass.DELIVERED), any(), "guest #PF handler",
                        "from set_trap_table"),
                out("crash", 680, 490, 120, 44, Set.of(OutcomeClass.DOMAIN_CRASH, OutcomeClass.TRIPLE_FAULT), any(),
                        "domain_crash", "no handler"),
                out("nofault", 620, 40, 180, 44, Set.of(OutcomeClass.OK, OutcomeClass.HYPERCALL), any(),
                        "no fault", "access / hypercall done"));
        List<Edge> edges = List.of(new Edge("pf", "entry", ""), new Edge("entry", "dpf", ""),
                new Edge("dpf", "panic", ""), new Edge("dpf", "fixup", ""),
                new Edge("fixup", "ptwr", "special case"), new Edge("fixup", "ldt", ""),
                new Edge("fixup", "spurious", ""), new Edge("fixup", "shadow", ""), new Edge("fixup", "mmio", ""),
                new Edge("ptwr", "fixed", ""), new Edge("ldt", "fixed", ""), new Edge("spurious", "fixed", ""),
                new Edge("shadow", "fixed", ""), new Edge("mmio", "fixed", ""),
                new Edge("fixup", "inject", "not special: forward"), new Edge("inject", "bounce", ""),
                new Edge("bounce", "handler", ""), new Edge("bounce", "crash", ""));
        // entry.S is assembly: when the #PF and do_page_fault are both on the path, so is the entry stub.
        return new Flow("Xen PV page fault (seed mail, PV)", 820, 550, nodes, edges,
                List.<String[]>of(new String[] {"entry", "pf", "dpf"}));
    }

    static Flow hvm(boolean svm) {
        String exit = svm ? "#VMEXIT 0x4E (VMEXIT_EXCEPTION_PF)" : "VM exit: EXCEPTION_NMI, vector 14";
        String handler = svm ? "svm_vmexit_handler" : "vmx_vmexit_handler";
        String resume = svm ? "VMRUN" : "VMRESUME";
        List<Node> nodes = List.of(
                n("exit", 230, 40, 360, 44, kind(TraceEvent.Kind.VMEXIT, null), exit,
                        svm ? "exitinfo1 = error code, exitinfo2 = va" : "exit qualification = va"),
                out("nofault", 620, 40, 180, 44, Set.of(OutcomeClass.OK), any(), "no fault", "access done"),
                n("handler", 230, 110, 360, 44, calls("svm_vmexit_handler", "vmx_vmexit_handler"), handler,
                        svm ? "hvm/svm/svm.c" : "hvm/vmx/vmx.c"),
                n("paging", 230, 180, 360, 44, calls("paging_fault", "svm_do_page_fault", "vmx_do_page_fault",
                        "shadow_fault"), "paging_fault", "(svm_do_page_fault → shadow_fault in 3.0.x)"),
                n("sh", 230, 250, 360, 44, calls("sh_page_fault", "guest_walk_tables"), "sh_page_fault",
                        "shadow artefact or real guest fault?"),
                out("crash", 620, 250, 180, 44, Set.of(OutcomeClass.DOMAIN_CRASH, OutcomeClass.PANIC), any(),
                        "domain_crash / panic", "e.g. shadow memory exhausted"),
                out("fixed", 20, 340, 120, 44, Set.of(OutcomeClass.FIXED), any(), "fixed", "shadow fixup"),
                new Node("emul", 150, 340, 130, 44, List.of("emulated", "PT write (x86_emulate)"),
                        calls("x86_emulate"), Set.of(OutcomeClass.EMULATED), e -> !fixupStartsWith(e, "mmio")),
                new Node("mmio", 290, 340, 110, 44, List.of("MMIO", "device model"),
                        calls("handle_mmio_with_translation", "handle_mmio"), Set.of(OutcomeClass.EMULATED),
                        e -> fixupStartsWith(e, "mmio")),
                new Node("inject", 430, 340, 370, 44, List.of("hvm_inject_page_fault",
                        (svm ? "svm_inject_event: EVENTINJ" : "vmx_inject_event: entry info") + ", CR2; #DF combine"),
                        calls("hvm_inject_page_fault", "hvm_inject_event", "svm_inject_event", "vmx_inject_event",
                                "__vmx_inject_exception", "svm_inject_exception", "vmx_inject_hw_exception",
                                "hvm_combine_hw_exceptions"),
                        Set.of(OutcomeClass.INJECTED, OutcomeClass.DOUBLE_FAULT), any()),
                out("triple", 650, 420, 150, 44, Set.of(OutcomeClass.TRIPLE_FAULT), any(), "triple fault",
                        "hvm_triple_fault"),
                out("retry", 20, 500, 380, 44, Set.of(OutcomeClass.FIXED, OutcomeClass.EMULATED), any(),
                        resume + ": guest retries", "it never sees the fault"),
                new Node("deliver", 430, 500, 370, 44, List.of(resume + ": guest #PF handler",
                        "through the guest IDT, CR2 from the " + (svm ? "VMCB" : "VMCS")), none(),
                        Set.of(OutcomeClass.INJECTED, OutcomeClass.DOUBLE_FAULT), any()));
        List<Edge> edges = List.of(new Edge("exit", "handler", ""), new Edge("handler", "paging", ""),
                new Edge("paging", "sh", ""), new Edge("sh", "crash", ""), new Edge("sh", "fixed", "handled by Xen"),
                new Edge("sh", "emul", ""), new Edge("sh", "mmio", ""), new Edge("sh", "inject", "real guest fault"),
                new Edge("fixed", "retry", ""), new Edge("emul", "retry", ""), new Edge("mmio", "retry", ""),
                new Edge("inject", "deliver", ""), new Edge("inject", "triple", ""));
        return new Flow("Xen HVM page fault (seed mail, " + (svm ? "SVM" : "VMX") + ", shadow paging)", 820, 550,
                nodes, edges, List.of());
    }

    static Flow hap() {
        List<Node> nodes = List.of(
                n("exit", 230, 40, 360, 44, kind(TraceEvent.Kind.VMEXIT, null), "#VMEXIT NPF 0x400 / EPT violation",
                        "guest #PF itself is not intercepted under HAP"),
                n("npf", 230, 110, 360, 44, calls("hvm_hap_nested_page_fault", "svm_vmexit_handler",
                        "vmx_vmexit_handler"), "hvm_hap_nested_page_fault", "hvm/hvm.c: classify the nested fault"),
                out("fixed", 20, 200, 180, 44, Set.of(OutcomeClass.FIXED), any(), "fixed",
                        "log-dirty / paging / populate"),
                out("mmio", 210, 200, 180, 44, Set.of(OutcomeClass.EMULATED), any(), "emulated", "MMIO / write"),
                out("inject", 400, 200, 190, 44, Set.of(OutcomeClass.INJECTED, OutcomeClass.DOUBLE_FAULT), any(),
                        "injected", "into the guest"),
                out("crash", 600, 200, 200, 44, Set.of(OutcomeClass.DOMAIN_CRASH, OutcomeClass.TRIPLE_FAULT,
                        OutcomeClass.PANIC), any(), "domain_crash", "unhandleable"),
                n("resume", 20, 280, 780, 44, kind(TraceEvent.Kind.RESUME, null), "VMRUN / VMRESUME", ""));
        List<Edge> edges = List.of(new Edge("exit", "npf", ""), new Edge("npf", "fixed", ""),
                new Edge("npf", "mmio", ""), new Edge("npf", "inject", ""), new Edge("npf", "crash", ""),
                new Edge("fixed", "resume", ""), new Edge("mmio", "resume", ""), new Edge("inject", "resume", ""));
        return new Flow("Xen HAP nested page fault", 820, 350, nodes, edges, List.of());
    }

    static Flow x86() {
        List<Node> nodes = List.of(
                n("access", 250, 40, 320, 44, kind(TraceEvent.Kind.OP, null), "guest access", "linear address"),
                n("walk", 250, 110, 320, 44, any(), "x86 page walk (no Xen)", "rights, reserved bits, A/D, TLB"),
                out("ok", 60, 200, 300, 44, Set.of(OutcomeClass.OK), any(), "access completed", ""),
                out("exc", 460, 200, 300, 44, Set.of(OutcomeClass.EXCEPTION, OutcomeClass.DELIVERED), any(),
                        "exception raised", "#PF (error code, CR2) / #GP / #SS"));
        List<Edge> edges = List.of(new Edge("access", "walk", ""), new Edge("walk", "ok", ""),
                new Edge("walk", "exc", ""));
        return new Flow("x86 page walk (bare metal, no hypervisor)", 820, 270, nodes, edges, List.of());
    }

    // ---- rendering ---------------------------------------------------------------------------------------------

    static String render(Flow f, List<TraceEvent> events, boolean failed, Expectation expected, String title,
            String caption) {
        Map<String, Node> byId = new LinkedHashMap<>();
        f.nodes().forEach(nd -> byId.put(nd.id(), nd));
        Set<String> lit = new LinkedHashSet<>();
        for (Node nd : f.nodes()) {
            for (TraceEvent e : events) {
                if (e.kind() == TraceEvent.Kind.OUTCOME) {
                    OutcomeClass oc = outcomeOf(e);
                    if (oc != null && nd.outcomes().contains(oc) && nd.outcomeFilter().test(e)) {
                        lit.add(nd.id());
                    }
                } else if (nd.lights().test(e)) {
                    lit.add(nd.id());
                }
            }
        }
        // The reached outcomes: the outcome nodes the step's OUTCOME event lights (red when the step failed).
        Set<String> reachedOutcomes = new LinkedHashSet<>();
        for (Node nd : f.nodes()) {
            if (!nd.outcomes().isEmpty() && lit.contains(nd.id()) && events.stream().anyMatch(e -> e.kind()
                    == TraceEvent.Kind.OUTCOME && nd.outcomes().contains(outcomeOf(e)) && nd.outcomeFilter().test(e))) {
                reachedOutcomes.add(nd.id());
            }
        }
        for (String[] imp : f.implied()) {
            if (lit.contains(imp[1]) && lit.contains(imp[2])) {
                lit.add(imp[0]);
            }
        }
        String expectedNode = null;
        if (expected != null) {
            for (Node nd : f.nodes()) {
                if (nd.outcomes().contains(expected.outcome()) && !lit.contains(nd.id())) {
                    String fx = expected.fields().get("fixup");
                    if (nd.id().equals("mmio") && (fx == null || !fx.startsWith("mmio"))) {
                        continue;
                    }
                    if (nd.id().equals("emul") && fx != null && fx.startsWith("mmio")) {
                        continue;
                    }
                    expectedNode = nd.id();
                    break;
                }
            }
        }
        StringBuilder b = new StringBuilder();
        int h = f.height() + 70;
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(f.width()).append("\" height=\"")
                .append(h).append("\" viewBox=\"0 0 ").append(f.width()).append(' ').append(h)
                .append("\" font-family=\"DejaVu Sans, Arial, sans-serif\">\n");
        b.append("<defs><marker id=\"a\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
                + "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#999\"/>"
                + "</marker><marker id=\"b\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
                + "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#1f6fb5\"/>"
                + "</marker></defs>\n");
        b.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        b.append("<text x=\"20\" y=\"22\" font-size=\"15\" font-weight=\"bold\" fill=\"#222\">").append(esc(f.title()))
                .append("</text>\n");
        b.append("<text x=\"").append(f.width() - 20).append("\" y=\"22\" font-size=\"11\" fill=\"#555\" "
                + "text-anchor=\"end\">").append(esc(title)).append("</text>\n");
        for (Edge e : f.edges()) {
            Node a = byId.get(e.from());
            Node z = byId.get(e.to());
            boolean on = lit.contains(a.id()) && lit.contains(z.id());
            String d;
            int lx;
            int ly;
            if (z.y() >= a.y() + a.h()) { // below: down, across on a bus just under the source, down
                int x1 = a.x() + a.w() / 2;
                int y1 = a.y() + a.h();
                int x2 = z.x() + z.w() / 2;
                int y2 = z.y();
                int ym = Math.min(y1 + 18, y2 - 8);
                d = "M" + x1 + "," + y1 + " V" + ym + " H" + x2 + " V" + y2;
                lx = x2 + 5;
                ly = y2 - 8;
            } else { // beside: straight across between the facing sides
                boolean right = z.x() > a.x();
                int x1 = right ? a.x() + a.w() : a.x();
                int x2 = right ? z.x() : z.x() + z.w();
                int y = a.y() + a.h() / 2;
                d = "M" + x1 + "," + y + " H" + x2;
                lx = Math.min(x1, x2) + 6;
                ly = y - 5;
            }
            b.append("<path d=\"").append(d).append("\" stroke=\"").append(on ? "#1f6fb5" : "#bbb")
                    .append("\" stroke-width=\"").append(on ? 3 : 1.2).append("\" fill=\"none\" marker-end=\"url(#")
                    .append(on ? 'b' : 'a').append(")\"/>\n");
            if (!e.label().isEmpty()) {
                b.append("<text x=\"").append(lx).append("\" y=\"").append(ly).append("\" font-size=\"10\" fill=\"")
                        .append(on ? "#1f6fb5" : "#888").append("\">").append(esc(e.label())).append("</text>\n");
            }
        }
        for (Node nd : f.nodes()) {
            boolean on = lit.contains(nd.id());
            boolean bad = failed && reachedOutcomes.contains(nd.id());
            boolean exp = nd.id().equals(expectedNode);
            String fill = bad ? "#fbe0df" : on ? "#dcecfa" : "#f6f6f6";
            String stroke = bad ? "#c9302c" : on ? "#1f6fb5" : exp ? "#2e8b57" : "#c8c8c8";
            b.append("<g class=\"node").append(on ? " lit" : "").append(bad ? " failed" : "").append(exp ? " expected" : "")
                    .append("\" id=\"n-").append(nd.id()).append("\">");
            b.append("<rect x=\"").append(nd.x()).append("\" y=\"").append(nd.y()).append("\" width=\"").append(nd.w())
                    .append("\" height=\"").append(nd.h()).append("\" rx=\"6\" fill=\"").append(fill)
                    .append("\" stroke=\"").append(stroke).append("\" stroke-width=\"").append(on || exp ? 2.2 : 1)
                    .append('"').append(exp ? " stroke-dasharray=\"6,4\"" : "").append("/>");
            int cx = nd.x() + nd.w() / 2;
            int y = nd.y() + (nd.lines().size() > 1 && !nd.lines().get(1).isEmpty() ? 18 : 27);
            for (int i = 0; i < nd.lines().size(); i++) {
                if (nd.lines().get(i).isEmpty()) {
                    continue;
                }
                b.append("<text x=\"").append(cx).append("\" y=\"").append(y + i * 16).append("\" font-size=\"")
                        .append(i == 0 ? 12.5 : 10).append("\" text-anchor=\"middle\" fill=\"")
                        .append(on ? "#0d3b66" : "#555").append('"').append(i == 0 ? " font-weight=\"bold\"" : "")
                        .append('>').append(esc(nd.lines().get(i))).append("</text>");
            }
            if (bad) {
                b.append("<text x=\"").append(nd.x() + nd.w() - 6).append("\" y=\"").append(nd.y() - 4)
                        .append("\" font-size=\"10\" text-anchor=\"end\" fill=\"#c9302c\">actual</text>");
            }
            if (exp) {
                b.append("<text x=\"").append(nd.x() + nd.w() - 6).append("\" y=\"").append(nd.y() - 4)
                        .append("\" font-size=\"10\" text-anchor=\"end\" fill=\"#2e8b57\">expected</text>");
            }
            b.append("</g>\n");
        }
        int y = f.height() + 10;
        b.append("<text x=\"20\" y=\"").append(y).append("\" font-size=\"11\" fill=\"#333\">").append(esc(caption))
                .append("</text>\n");
        StringBuilder calls = new StringBuilder();
        for (TraceEvent e : events) {
            if (e.kind() == TraceEvent.Kind.CALL) {
                calls.append(calls.isEmpty() ? "" : " → ").append(e.name());
            }
        }
        b.append("<text x=\"20\" y=\"").append(y + 18).append("\" font-size=\"10.5\" font-family=\"DejaVu Sans Mono, "
                + "monospace\" fill=\"#1f6fb5\">").append(esc(calls.isEmpty() ? "(no Xen calls traced)"
                : "calls: " + calls)).append("</text>\n");
        b.append("<g font-size=\"10\" fill=\"#555\"><rect x=\"20\" y=\"").append(y + 30)
                .append("\" width=\"12\" height=\"10\" fill=\"#dcecfa\" stroke=\"#1f6fb5\"/><text x=\"36\" y=\"")
                .append(y + 39).append("\">path taken</text><rect x=\"120\" y=\"").append(y + 30)
                .append("\" width=\"12\" height=\"10\" fill=\"#fbe0df\" stroke=\"#c9302c\"/><text x=\"136\" y=\"")
                .append(y + 39).append("\">reached, differs from expectation</text><rect x=\"330\" y=\"")
                .append(y + 30).append("\" width=\"12\" height=\"10\" fill=\"#f6f6f6\" stroke=\"#2e8b57\" "
                        + "stroke-dasharray=\"3,2\"/><text x=\"346\" y=\"").append(y + 39)
                .append("\">expected outcome</text></g>\n");
        b.append("</svg>\n");
        return b.toString();
    }

    private static OutcomeClass outcomeOf(TraceEvent e) {
        try {
            return OutcomeClass.fromWire(e.name());
        } catch (IllegalArgumentException ex) {
            return null;
        }
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
