package xpf.properties;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import xpf.model.scenario.Expectation;
import xpf.model.scenario.Scenario;
import xpf.model.scenario.Step;
import xpf.properties.check.Oracles;
import xpf.properties.check.Violation;
import xpf.properties.gen.Generated;
import xpf.prop.report.FailureContext;
import xpf.prop.report.FailureRenderer;
import xpf.prop.report.Rendering;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.scenario.load.ScenarioWriter;
import xpf.sim.trace.Trace;

/**
 * Saves a shrunk counterexample as a scenario file that {@code ./xpf replay} runs: the scenario with, on every step up
 * to the failing one, the outcome class the run gave (so the replay shows the path to the failure), on the failing
 * step the reference's answer when the check knows it, and a note naming the broken check. The header carries the
 * property, seed, try and the replay command.
 */
public final class ScenarioRenderer implements FailureRenderer<Generated> {

    private final Oracles oracles;

    public ScenarioRenderer(Oracles oracles) {
        this.oracles = oracles;
    }

    @Override
    public Rendering render(Generated shrunk, FailureContext ctx) throws IOException {
        Path file = ctx.file("scenario.yaml");
        Scenario annotated = annotate(shrunk.scenario(), oracles);
        String shown = shownPath(file);
        List<String> header = new ArrayList<>();
        header.add("Shrunk counterexample of " + ctx.propertyId() + " (seed " + ctx.seed() + ", try " + ctx.tryIndex()
                + ")");
        header.add("replay: ./xpf replay " + shown);
        header.add("explain: ./xpf explain " + shown);
        Files.createDirectories(file.getParent());
        Files.writeString(file, ScenarioWriter.write(annotated, header));
        return Rendering.of(file, "./xpf replay " + shown);
    }

    /**
     * The scenario with expectations and the note of the broken check (re-running it: runs are deterministic).
     */
    public static Scenario annotate(Scenario s, Oracles oracles) {
        Violation v = null;
        ScenarioRunner.Run run = null;
        Trace t = new Trace();
        try {
            SuiteRun.run(s, oracles, false);
        } catch (Violation e) {
            v = e;
        }
        try {
            run = ScenarioRunner.run(s, t);
        } catch (RuntimeException e) {
            // the annotation is best effort: the scenario itself is what matters
        }
        int failing = v == null || v.step() < 0 ? s.steps().size() - 1 : v.step();
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < s.steps().size(); i++) {
            Step st = s.steps().get(i);
            Expectation e = st.expect();
            String note = st.note();
            if (run != null && i < run.steps().size() && i <= failing) {
                e = new Expectation(run.steps().get(i).outcome().outcomeClass(), new LinkedHashMap<>());
            }
            if (v != null && i == failing) {
                if (v.expected() != null) {
                    e = v.expected();
                }
                note = "VIOLATES " + v.check() + ": " + v.getMessage();
            }
            steps.add(new Step(st.domain(), st.vcpu(), st.op(), st.knobs(), e, note, st.line()));
        }
        return s.withSteps(steps);
    }

    static String shownPath(Path file) {
        String root = System.getProperty("xpf.root");
        if (root != null && !root.isBlank()) {
            Path r = Path.of(root).toAbsolutePath().normalize();
            Path f = file.toAbsolutePath().normalize();
            if (f.startsWith(r)) {
                return r.relativize(f).toString();
            }
        }
        return file.toString();
    }
}
