package xpf.conformance.reference.xen;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import xpf.conformance.corpus.Corpus;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.Outcome;
import xpf.model.scenario.Scenario;
import xpf.model.scenario.Step;
import xpf.model.xen.DomainView;
import xpf.model.xen.PvDomainView;
import xpf.sim.domain.GuestDomain;
import xpf.sim.scenario.DomainViews;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.scenario.load.ScenarioLoader;
import xpf.sim.trace.Trace;

/**
 * Runs scenarios through the simulator and asks the PV reference model, before every step of a PV domain, what the
 * step should give; compares the prediction with the simulator's outcome (class and every field).
 */
final class PvDifferential {

    /** One compared (or not modelled) step. */
    record Compared(Path file, int index, int line, Prediction predicted, Outcome actual) {
        boolean modelled() {
            return predicted.modelled();
        }

        boolean agrees() {
            return predicted.outcome() == actual.outcomeClass() && predicted.fields().equals(actual.fields());
        }

        String describe() {
            return file + ":" + line + " steps[" + index + "] [rule " + predicted.rule() + "]\n    reference: "
                    + predicted.summary() + "\n    simulator: " + actual.summary();
        }
    }

    /** A folder's totals. */
    record Totals(String folder, int scenarios, int steps, int agreements, List<Compared> notModelled,
            List<Compared> disagreements) {
        int compared() {
            return agreements + disagreements.size();
        }

        @Override
        public String toString() {
            return String.format("%-9s %3d PV scenarios, %4d PV steps: %4d compared, %4d agree, %3d disagree, "
                    + "%3d not modelled", folder, scenarios, steps, compared(), agreements, disagreements.size(),
                    notModelled.size());
        }
    }

    static final List<Compared> all = new ArrayList<>();

    private PvDifferential() {
    }

    static boolean hasPvDomain(Scenario s) {
        return s.domains().stream().map(DomainSpec::kind).anyMatch(k -> k.pv());
    }

    static Totals folder(PvOracle oracle, Path root, String folder) {
        int scenarios = 0;
        int steps = 0;
        int agree = 0;
        List<Compared> nm = new ArrayList<>();
        List<Compared> dis = new ArrayList<>();
        for (Path p : Corpus.files(root.resolve(folder))) {
            Scenario sc = ScenarioLoader.load(p).scenario();
            if (!hasPvDomain(sc)) {
                continue;
            }
            scenarios++;
            for (Compared c : run(oracle, p, sc)) {
                all.add(c);
                steps++;
                if (!c.modelled()) {
                    nm.add(c);
                } else if (c.agrees()) {
                    agree++;
                } else {
                    dis.add(c);
                }
            }
        }
        return new Totals(folder, scenarios, steps, agree, nm, dis);
    }

    /** Every PV step of one scenario, predicted before it runs and compared after. */
    static List<Compared> run(PvOracle oracle, Path file, Scenario sc) {
        List<Compared> out = new ArrayList<>();
        Prediction[] pending = new Prediction[1];
        ScenarioRunner.run(sc, new Trace(), new ScenarioRunner.StepListener() {
            @Override
            public void before(int index, Step step, Map<String, GuestDomain> domains) {
                GuestDomain g = domains.get(step.domain());
                pending[0] = null;
                if (g != null && g.kind().pv()) {
                    DomainView v = DomainViews.of(g);
                    pending[0] = oracle.predict((PvDomainView) v, step);
                }
            }

            @Override
            public void after(ScenarioRunner.StepResult r, Map<String, GuestDomain> domains) {
                if (pending[0] != null) {
                    out.add(new Compared(file, r.index(), r.step().line(), pending[0], r.outcome()));
                }
            }
        });
        return out;
    }

    static String fields(SequencedMap<String, String> f) {
        return f.toString();
    }
}
