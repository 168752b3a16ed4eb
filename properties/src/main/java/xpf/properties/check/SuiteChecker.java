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
    private int mark;
    private Snapshot before;
    private Prediction prediction;
    private int modelled;
    private int notModelled;
    private int steps;

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
        before = Snapshot.take(g, step.vcpu(), a, oracle != null);
        prediction = null;
        if (oracle != null) {
            DomainView view = before.domainView();
            prediction = view == null ? Prediction.notModelled("no plain-data view of " + g.kind().wireName()
                    + " domains yet") : oracle.predict(view, step);
        }
    }

    @Override
    public void after(ScenarioRunner.StepResult r, Map<String, GuestDomain> domains) {
        steps++;
        GuestDomain g = domains.get(r.step().domain());
        List<TraceEvent> events = List.copyOf(trace.events().subList(mark, trace.events().size()));
        DomainSpec spec = scenario.domain(r.step().domain());
        Observation o = new Observation(scenario, r.index(), r.step(), spec, g, before, r.outcome(), events);
        try {
            contract(o);
            switch (before) {
                case Snapshot.Hvm h -> HvmInvariants.check(o, h, runFlags);
                case Snapshot.Bare b -> BareInvariants.check(o, b);
                case Snapshot.Plain p -> {
                }
            }
            oracle(o);
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
        if (out.outcomeClass() == OutcomeClass.PANIC) {
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
            if (c != OutcomeClass.DOMAIN_CRASH && c != OutcomeClass.TRIPLE_FAULT) {
                throw new Violation.Contract("domain-ends-with-its-end", "domain " + o.step().domain()
                        + " stopped running but the step reported " + o.where());
            }
            ends.put(o.step().domain(), out);
        }
    }

    private void oracle(Observation o) {
        if (prediction == null) {
            return;
        }
        if (!prediction.modelled()) {
            notModelled++;
            labels.add("oracle: not modelled");
            return;
        }
        modelled++;
        Outcome out = o.outcome();
        xpf.model.scenario.Expectation want = new xpf.model.scenario.Expectation(prediction.outcome(),
                prediction.fields());
        if (prediction.outcome() != out.outcomeClass()) {
            throw new Violation.Oracle("class", "reference model: " + prediction.summary() + "; simulator: "
                    + out.summary() + " (" + o.where() + ")").expecting(want);
        }
        Map<String, String> got = out.fields();
        for (Map.Entry<String, String> e : prediction.fields().entrySet()) {
            String actual = got.get(e.getKey());
            if (!e.getValue().equals(actual)) {
                throw new Violation.Oracle("field-" + e.getKey(), "reference model: " + prediction.summary()
                        + "; simulator: " + out.summary() + " (" + o.where() + ")").expecting(want);
            }
        }
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
                    case Snapshot.Plain p -> 0;
                };
            }

            @Override
            public boolean dirtied() {
                if (b instanceof Snapshot.Hvm h && o.domain() instanceof HvmDomain d) {
                    return d.view().dirtyGfns().size() > h.view().dirtyGfns().size();
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
}
