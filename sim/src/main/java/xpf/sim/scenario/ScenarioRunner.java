package xpf.sim.scenario;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.Outcome;
import xpf.model.scenario.Scenario;
import xpf.model.scenario.Step;
import xpf.sim.domain.BuildContext;
import xpf.sim.domain.GuestDomain;
import xpf.sim.domain.Machine;
import xpf.sim.domain.ScenarioError;
import xpf.sim.trace.Trace;
import xpf.sim.xen.Xen;

/**
 * Runs a scenario: builds the machine, Xen and the domains from the initial state, runs the steps in order, records
 * the trace, and checks each step's expectation. Deterministic: the same scenario gives a byte-identical trace.
 */
public final class ScenarioRunner {

    /** One step's result: its outcome and the differences from its expectation (empty when it matched). */
    public record StepResult(int index, Step step, Outcome outcome, List<String> differences) {
        public boolean passed() {
            return differences.isEmpty();
        }
    }

    /** A whole run. */
    public record Run(Scenario scenario, List<StepResult> steps, Trace trace, Map<String, GuestDomain> domains) {
        public boolean passed() {
            return steps.stream().allMatch(StepResult::passed);
        }

        public List<StepResult> failures() {
            return steps.stream().filter(s -> !s.passed()).toList();
        }
    }

    /**
     * Watches a run step by step: {@link #before} sees the domains before a step runs (take views there),
     * {@link #after} its result. Property suites check the reference model and invariants here; throwing stops the
     * run.
     */
    public interface StepListener {
        default void before(int index, Step step, Map<String, GuestDomain> domains) {
        }

        default void after(StepResult result, Map<String, GuestDomain> domains) {
        }
    }

    private static final StepListener NONE = new StepListener() {
    };

    private ScenarioRunner() {
    }

    public static Run run(Scenario s) {
        return run(s, new Trace());
    }

    public static Run run(Scenario s, Trace trace) {
        return run(s, trace, NONE);
    }

    public static Run run(Scenario s, Trace trace, StepListener listener) {
        Machine machine = new Machine(s.machine());
        Xen xen = new Xen(machine, s.machine().xen(), new HashSet<>(s.bugs()));
        Map<String, GuestDomain> domains = new LinkedHashMap<>();
        int nextDomid = 1;
        for (int i = 0; i < s.domains().size(); i++) {
            DomainSpec d = s.domains().get(i);
            int domid = d.hardwareDomain() ? 0 : nextDomid++;
            if (domains.containsKey(d.name())) {
                throw new ScenarioError("domains[" + i + "].name", "duplicate domain name '" + d.name() + "'");
            }
            domains.put(d.name(), Domains.create(d, new BuildContext(machine, xen, i, domid, "domains[" + i + "]")));
        }
        List<StepResult> results = new ArrayList<>();
        for (int i = 0; i < s.steps().size(); i++) {
            Step step = s.steps().get(i);
            GuestDomain g = domains.get(step.domain());
            if (g == null) {
                throw new ScenarioError("steps[" + i + "].domain", "no domain named '" + step.domain() + "'");
            }
            listener.before(i, step, domains);
            trace.beginStep(i);
            Outcome o = g.step(step, trace);
            trace.outcome(o);
            StepResult r = new StepResult(i, step, o, ExpectationMatcher.differences(step.expect(), o));
            results.add(r);
            listener.after(r, domains);
        }
        return new Run(s, List.copyOf(results), trace, domains);
    }
}
