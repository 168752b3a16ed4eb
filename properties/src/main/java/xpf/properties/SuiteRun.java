package xpf.properties;

import java.util.Set;
import xpf.model.scenario.Scenario;
import xpf.properties.check.Oracles;
import xpf.properties.check.SuiteChecker;
import xpf.properties.check.Violation;
import xpf.sim.domain.ScenarioError;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.trace.Trace;

/**
 * Runs one generated scenario under the suite's checks: the simulator with the {@link SuiteChecker} after every
 * step, and for the sampled tries the determinism self-check (a second run must give a byte-identical trace). A
 * scenario the simulator refuses as bad input is a generator bug; a run the simulator ends as not modelled
 * ({@link xpf.sim.domain.NotModelled}) is counted as not modelled; any other exception from the simulator is a
 * simulator bug. Both are {@link Violation}s, like broken invariants.
 */
public final class SuiteRun {

    /**
     * What a run reached: catalogue paths, other labels, steps, and the trace (its fingerprint on demand).
     *
     * @param trace the run's trace, or null when the run ended early (not modelled, cut)
     */
    public record Report(Set<String> paths, Set<String> labels, int steps, Trace trace, int modelled,
            int notModelled, java.util.Map<String, Integer> notModelledReasons) {

        /**
         * The trace fingerprint ({@link Trace#hash()}; "" when the run ended early). Computed when asked: rendering
         * and hashing the whole trace cost about 7 % of a fuzz try, and only the determinism re-run needs it.
         */
        public String traceHash() {
            return trace == null ? "" : trace.hash();
        }
    }

    private SuiteRun() {
    }

    public static Report run(Scenario s, Oracles oracles, boolean recheck) {
        Trace trace = new Trace();
        SuiteChecker checker = new SuiteChecker(s, trace, oracles);
        try {
            ScenarioRunner.run(s, trace, checker);
        } catch (Violation v) {
            throw v;
        } catch (xpf.sim.domain.NotModelled e) {
            // The simulator stopped at a state it does not model (a located harness error, not a crash): the run
            // ends there, every step before it was checked, and the step is counted as not modelled.
            checker.simulatorNotModelled(e);
            return new Report(checker.paths(), checker.labels(), checker.steps(), null, checker.modelled(),
                    checker.notModelled(), checker.notModelledReasons());
        } catch (ScenarioError e) {
            if (e.getMessage() != null && e.getMessage().contains("hypercalls are made by the guest kernel")) {
                // A PV vCPU an iret took to user mode cannot make the generated hypercall: the scenario ends there
                // (every step before it was checked).
                java.util.Set<String> labels = new java.util.LinkedHashSet<>(checker.labels());
                labels.add("run cut: hypercall after a return to user mode");
                return new Report(checker.paths(), labels, checker.steps(), null, checker.modelled(),
                        checker.notModelled(), checker.notModelledReasons());
            }
            throw new Violation.GeneratorBug("the simulator refused a generated scenario: " + e.getMessage(), e);
        } catch (RuntimeException | StackOverflowError e) {
            throw new Violation.SimulatorCrash("the simulator threw on a valid scenario at step "
                    + trace.currentStep() + ": " + e, e);
        }
        if (recheck) {
            String hash = trace.hash();
            Trace again = new Trace();
            try {
                ScenarioRunner.run(s, again);
            } catch (RuntimeException e) {
                throw new Violation.Determinism("second-run", "the second run threw " + e);
            }
            String h2 = again.hash();
            if (!hash.equals(h2)) {
                throw new Violation.Determinism("trace-hash", "two runs of the same scenario gave different traces ("
                        + hash.substring(0, 12) + " vs " + h2.substring(0, 12) + ")");
            }
        }
        return new Report(checker.paths(), checker.labels(), checker.steps(), trace, checker.modelled(),
                checker.notModelled(), checker.notModelledReasons());
    }
}
