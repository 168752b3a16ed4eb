package xpf.conformance.reference.xen;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import xpf.model.scenario.DomainKind;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.Outcome;
import xpf.model.scenario.Scenario;
import xpf.model.scenario.Step;
import xpf.model.xen.BareDomainView;
import xpf.model.xen.DomainView;
import xpf.model.xen.HvmDomainView;
import xpf.sim.domain.GuestDomain;
import xpf.sim.scenario.DomainViews;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.scenario.load.ScenarioLoader;
import xpf.sim.trace.Trace;

/**
 * Runs a scenario through the simulator with a step listener: before each step the domain's view goes to the
 * reference oracle, after it the simulator's outcome is compared with the prediction (class and every predicted
 * field). One {@link Comparison} per step.
 */
final class Differential {

    static final HvmOracle HVM = new HvmOracle();
    static final BareOracle BARE = new BareOracle();

    /** The verdict on one step. */
    enum Verdict { AGREE, NOT_MODELLED, DISAGREE }

    record Comparison(Path file, int index, int line, Step step, Prediction predicted, Outcome actual,
            Verdict verdict, List<String> differences) {

        String key() {
            return file.getParent().getFileName() + "/" + file.getFileName() + "#" + index;
        }

        String describe() {
            StringBuilder b = new StringBuilder();
            b.append(file).append(':').append(line).append(" steps[").append(index).append("] ")
                    .append(step.op().opName()).append('\n');
            b.append("  reference: ").append(predicted.summary()).append('\n');
            b.append("  simulator: ").append(actual.summary()).append('\n');
            for (String d : differences) {
                b.append("  DIFFERS ").append(d).append('\n');
            }
            return b.toString();
        }
    }

    private Differential() {
    }

    /** Whether every domain of the scenario is HVM or bare (the domains these oracles model). */
    static boolean inScope(Scenario s) {
        for (DomainSpec d : s.domains()) {
            if (d.kind() != DomainKind.BARE && !d.kind().hvm()) {
                return false;
            }
        }
        return true;
    }

    static Prediction predict(DomainView v, Step step) {
        return switch (v) {
            case HvmDomainView h -> HVM.predict(h, step);
            case BareDomainView b -> BARE.predict(b, step);
            default -> Prediction.notModelled("no oracle for " + v.getClass().getSimpleName());
        };
    }

    static List<Comparison> run(Path file) throws Exception {
        return run(ScenarioLoader.load(file).scenario(), file);
    }

    /** Runs {@code s} (labelled {@code file} in messages). */
    static List<Comparison> run(Scenario s, Path file) {
        List<Comparison> out = new ArrayList<>();
        Prediction[] pending = new Prediction[1];
        ScenarioRunner.run(s, new Trace(), new ScenarioRunner.StepListener() {
            @Override
            public void before(int index, Step step, Map<String, GuestDomain> domains) {
                DomainView v = DomainViews.of(domains.get(step.domain()));
                pending[0] = predict(v, step);
            }

            @Override
            public void after(ScenarioRunner.StepResult r, Map<String, GuestDomain> domains) {
                out.add(compare(file, r, pending[0]));
            }
        });
        return out;
    }

    static Comparison compare(Path file, ScenarioRunner.StepResult r, Prediction p) {
        Outcome o = r.outcome();
        if (!p.modelled()) {
            return new Comparison(file, r.index(), r.step().line(), r.step(), p, o, Verdict.NOT_MODELLED,
                    List.of());
        }
        List<String> diffs = new ArrayList<>();
        if (p.outcome() != o.outcomeClass()) {
            diffs.add("outcome: reference " + p.outcome().wireName() + ", simulator " + o.outcomeClass().wireName());
        } else {
            Map<String, String> actual = o.fields();
            p.fields().forEach((k, v) -> {
                String a = actual.get(k);
                if (!v.equals(a)) {
                    diffs.add(k + ": reference " + v + ", simulator " + (a == null ? "(absent)" : a));
                }
            });
        }
        return new Comparison(file, r.index(), r.step().line(), r.step(), p, o,
                diffs.isEmpty() ? Verdict.AGREE : Verdict.DISAGREE, diffs);
    }
}
