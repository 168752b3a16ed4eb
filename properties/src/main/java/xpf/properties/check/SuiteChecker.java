package xpf.properties.check;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import xpf.conformance.reference.xen.OutcomeOracle;
import xpf.conformance.reference.xen.Prediction;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Outcome;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.Scenario;
import xpf.model.scenario.Step;
import xpf.model.xen.DomainView;
import xpf.properties.paths.Catalogue;
import xpf.sim.domain.GuestDomain;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.trace.Trace;
import xpf.sim.trace.TraceEvent;
import xpf.sim.xen.hvm.HvmDomain;

/**
 * The property suite's step listener: before every step it takes a {@link Snapshot} of the acting domain (and asks
 * the reference model for a prediction, when one exists for the domain's kind); after the step it checks the
 * invariants of the suite (silent fixes, delivery, injection, isolation, liveness, the dead-domain contract, the
 * reference model) and classifies the step into the paths of the {@link Catalogue}. The first broken invariant is
 * thrown as a {@link Violation}, which stops the run.
 *
 * <p>One checker per run; it is not thread-safe. Reusable outside JUnit (the fuzzer drives it the same way).
 */
public final class SuiteChecker implements ScenarioRunner.StepListener {

    private final Scenario scenario;
    private final Trace trace;
    private final Oracles oracles;
    private final Set<String> paths = new LinkedHashSet<>();
    private final Set<String> labels = new LinkedHashSet<>();
    private final Map<String, Outcome> ends = new HashMap<>();
    private final Set<String> runFlags = new java.util.HashSet<>();
    /** An entry changed behind Xen's back in this run: Xen's own bookkeeping is no longer owed. */
    private boolean hostWrote;
    private int mark;
    /** Dirty gfns of the acting HVM domain before the step (the views share the live set, so they cannot tell). */
    private int dirtyBefore;
    private Snapshot before;
    private Prediction prediction;
    private Map<String, String> effects;
    private final Map<String, Integer> notModelledReasons = new java.util.TreeMap<>();
    private final Set<String> knownDisagreements = new LinkedHashSet<>();
    private int modelled;
    private int notModelled;
    private int steps;
    /**
     * The view of {@link #viewOf} that the last {@link #after} built (a PV {@code PvDomainView} or an
     * {@link xpf.sim.xen.hvm.HvmView}), or null. Nothing runs between one step's {@code after} and the next step's
     * {@code before} (the runner calls them back to back, and the checks only read the domain), so when the next step
     * acts on the same domain this immutable view is exactly what its snapshot would build again.
     */
    private GuestDomain viewOf;
    private Object viewAfter;

    public SuiteChecker(Scenario scenario, Trace trace, Oracles oracles) {
        this.scenario = scenario;
        this.trace = trace;
        this.oracles = oracles;
    }

    @Override
    public void before(int index, Step step, Map<String, GuestDomain> domains) {
        mark = trace.events().size();
        GuestDomain g = domains.get(step.domain());
        OutcomeOracle oracle = oracles.forKind(g.kind());
        GuestAccess a = step.op() instanceof GuestAccess ga ? ga : null;
        Object current = g == viewOf ? viewAfter : null;
        viewOf = null;
        viewAfter = null;
        before = Snapshot.take(g, step.vcpu(), a, oracle != null, current);
        dirtyBefore = g instanceof HvmDomain hd ? hd.p2m().dirtyGfns().size() : 0;
        prediction = null;
        effects = null;
        if (oracle != null) {
            DomainView view = before.domainView();
            if (view == null) {
                prediction = Prediction.notModelled("no plain-data view of " + g.kind().wireName() + " domains");
            } else if (before instanceof Snapshot.Pv && oracles.pv() != null) {
                xpf.conformance.reference.xen.PvPrediction pp = oracles.pv().predictPv(view, step);
                prediction = pp.prediction();
                effects = pp.effects();
            } else {
                prediction = oracle.predict(view, step);
            }
        }
    }

    @Override
    public void after(ScenarioRunner.StepResult r, Map<String, GuestDomain> domains) {
        steps++;
        viewOf = null;
        viewAfter = null;
        GuestDomain g = domains.get(r.step().domain());
        List<TraceEvent> events = List.copyOf(trace.events().subList(mark, trace.events().size()));
        DomainSpec spec = scenario.domain(r.step().domain());
        Observation o = new Observation(scenario, r.index(), r.step(), spec, g, before, r.outcome(), events);
        try {
            contract(o);
            switch (before) {
                case Snapshot.Hvm h -> {
                    try {
                        viewAfter = HvmInvariants.check(o, h, runFlags);
                        viewOf = g;
                    } catch (Violation v) {
                        String known = KnownIssues.knownViolation(v, o);
                        if (known == null) {
                            throw v;
                        }
                        knownDisagreements.add(known);
                        labels.add(known);
                    }
                }
                case Snapshot.Bare b -> BareInvariants.check(o, b);
                case Snapshot.Pv p -> {
                }
                case Snapshot.Plain p -> {
                }
            }
            boolean matched = oracle(o);
            if (r.step().op() instanceof xpf.model.scenario.HostWrite) {
                hostWrote = true;
            }
            if (before instanceof Snapshot.Pv pv && xpf.sim.scenario.DomainViews.of(g)
                    instanceof xpf.model.xen.PvDomainView after) {
                viewOf = g;
                viewAfter = after;
                PvInvariants.check(o, pv, after, effects, matched, hostWrote);
            }
        } catch (Violation v) {
            throw v.atStep(r.index());
        }
        classify(o);
    }

    /**
     * A domain that ended (crash, shutdown, panic) answers every later step with that end; it ends only through
     * those outcomes; and no guest action ever makes Xen panic.
     */
    private void contract(Observation o) {
        Outcome out = o.outcome();
        if (out.outcomeClass() == OutcomeClass.PANIC && !hostWrote
                && !(o.step().op() instanceof xpf.model.scenario.HostWrite)) {
            throw new Violation.Isolation("no-panic", "a guest made Xen panic: " + o.where());
        }
        Outcome end = ends.get(o.step().domain());
        if (end != null) {
            if (!end.equals(out)) {
                throw new Violation.Contract("dead-domain-answers-its-end", "domain " + o.step().domain()
                        + " ended with " + end.summary() + " but a later step gave " + o.where());
            }
            return;
        }
        if (!o.domain().alive()) {
            OutcomeClass c = out.outcomeClass();
            if (c != OutcomeClass.DOMAIN_CRASH && c != OutcomeClass.TRIPLE_FAULT && c != OutcomeClass.PANIC) {
                throw new Violation.Contract("domain-ends-with-its-end", "domain " + o.step().domain()
                        + " stopped running but the step reported " + o.where());
            }
            ends.put(o.step().domain(), out);
        }
    }

    /**
     * Compares the step's outcome with the reference prediction: the class and every field the reference predicts.
     * A disagreement the suite has accepted as a known simulator deviation ({@link KnownIssues#disagreement}) is
     * counted, not thrown. Returns whether the step was modelled and agreed.
     */
    private boolean oracle(Observation o) {
        if (prediction == null) {
            return false;
        }
        if (!prediction.modelled()) {
            notModelled++;
            labels.add("oracle: not modelled");
            notModelledReasons.merge(normalise(prediction.reason()), 1, Integer::sum);
            return false;
        }
        modelled++;
        Outcome out = o.outcome();
        String differs = null;
        if (prediction.outcome() != out.outcomeClass()) {
            differs = "class";
        } else {
            Map<String, String> got = out.fields();
            for (Map.Entry<String, String> e : prediction.fields().entrySet()) {
                if (!e.getValue().equals(got.get(e.getKey()))) {
                    differs = "field-" + e.getKey();
                    break;
                }
            }
        }
        if (differs == null) {
            return true;
        }
        String known = KnownIssues.disagreement(o, prediction);
        if (known != null) {
            knownDisagreements.add(known);
            labels.add(known);
            return false;
        }
        throw new Violation.Oracle(differs, "rule " + prediction.rule() + "\n    reference: " + prediction.summary()
                + "\n    simulator: " + out.summary() + "\n    at " + o.where())
                .expecting(new xpf.model.scenario.Expectation(prediction.outcome(), prediction.fields()));
    }

    /**
     * The simulator ended the run at a state it does not model ({@link xpf.sim.domain.NotModelled}: e.g. Xen would
     * emulate an instruction the scenario never described). The step that threw is counted as not modelled (with
     * the simulator's reason, prefixed "simulator: "), not as a simulator crash: nothing of it can be compared.
     */
    public void simulatorNotModelled(xpf.sim.domain.NotModelled e) {
        notModelled++;
        labels.add("simulator: not modelled");
        String m = e.getMessage() == null ? "?" : e.getMessage();
        int i = m.indexOf("not modelled: ");
        notModelledReasons.merge("simulator: " + normalise(i < 0 ? m : m.substring(i + "not modelled: ".length())),
                1, Integer::sum);
    }

    private static final java.util.regex.Pattern HEX = java.util.regex.Pattern.compile("0x[0-9a-fA-F]+");
    private static final java.util.regex.Pattern DECIMAL = java.util.regex.Pattern.compile("\\b[0-9]+\\b");

    /** A not-modelled reason without its numbers, so that the reasons group. */
    static String normalise(String reason) {
        String r = reason == null ? "?" : DECIMAL.matcher(HEX.matcher(reason).replaceAll("N")).replaceAll("N");
        return r.length() > 110 ? r.substring(0, 110) + "..." : r;
    }

    private void classify(Observation o) {
        Snapshot b = before;
        Catalogue.Facts facts = new Catalogue.Facts() {
            @Override
            public Observation observation() {
                return o;
            }

            @Override
            public int cplBefore() {
                return switch (b) {
                    case Snapshot.Hvm h -> h.vcpu().cpl();
                    case Snapshot.Bare x -> x.vcpu().cpl();
                    case Snapshot.Pv p -> p.view().vcpus().get(o.step().vcpu()).kernelMode() ? 0 : 3;
                    case Snapshot.Plain p -> 0;
                };
            }

            @Override
            public boolean dirtied() {
                if (b instanceof Snapshot.Hvm && o.domain() instanceof HvmDomain d) {
                    // the before-view's dirty set is the p2m's live set (it grew with the step): compare the count
                    // taken before the step
                    return d.p2m().dirtyGfns().size() > dirtyBefore;
                }
                return false;
            }

            @Override
            public boolean scenarioHasLogDirty() {
                return o.spec().p2m().stream().anyMatch(p -> p.type().equals("ram_logdirty"));
            }
        };
        for (Catalogue c : Catalogue.classify(facts)) {
            paths.add(c.label());
        }
        labels.add("outcome: " + o.outcomeClass().wireName());
        for (String f : runFlags) {
            labels.add(f + " (shadow invariants relaxed)");
        }
        if (b instanceof Snapshot.Hvm h && o.noted("livelock") && KnownIssues.livelock(o, h) != null) {
            labels.add(KnownIssues.livelock(o, h));
        }
    }

    /** The catalogue paths this run reached. */
    public Set<String> paths() {
        return paths;
    }

    /** Other statistics labels of the run (outcome classes, oracle coverage). */
    public Set<String> labels() {
        return labels;
    }

    public int steps() {
        return steps;
    }

    /** Steps the reference model predicted, and steps it said it does not model. */
    public int modelled() {
        return modelled;
    }

    public int notModelled() {
        return notModelled;
    }

    /** Why steps were not modelled (normalised reasons) and how often. */
    public Map<String, Integer> notModelledReasons() {
        return notModelledReasons;
    }

    /** The known disagreements this run hit (labels naming their finding files). */
    public Set<String> knownDisagreements() {
        return knownDisagreements;
    }
}
