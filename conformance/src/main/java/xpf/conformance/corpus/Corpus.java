package xpf.conformance.corpus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import xpf.conformance.allure.ScenarioReport;
import xpf.model.scenario.Scenario;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.scenario.cli.ScenarioFiles;
import xpf.sim.scenario.load.LoadedScenario;
import xpf.sim.scenario.load.ScenarioLoadException;
import xpf.sim.scenario.load.ScenarioLoader;

/**
 * The rule-tagged scenario corpus (conformance/scenarios/: x86 pv svm vmx hap xsa examples) and how one file is
 * checked. The JUnit corpus test and {@code xpf conform} both use it, so they judge a file the same way: a load
 * error is broken, an expectation difference fails, and a file that expects nothing fails (it would check nothing).
 */
public final class Corpus {

    /** The corpus folder, relative to the repository root. */
    public static final String FOLDER = "conformance/scenarios";

    /** One file's check: the report (run, or the error) and the problems that make it fail. */
    public record Checked(Path file, ScenarioReport report, List<String> problems) {
        public boolean passed() {
            return problems.isEmpty();
        }
    }

    private Corpus() {
    }

    /** Every scenario file under {@code root}, sorted (the {@code *.jsonl} walk files are not scenarios). */
    public static List<Path> files(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).filter(ScenarioFiles::isScenario).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads and runs one file. */
    public static Checked check(Path p) {
        LoadedScenario ls;
        try {
            ls = ScenarioLoader.load(p);
        } catch (ScenarioLoadException e) {
            return new Checked(p, ScenarioReport.unloadable(p, e), List.of(e.getMessage()));
        }
        ScenarioRunner.Run run;
        try {
            run = ls.run();
        } catch (ScenarioLoadException e) {
            return new Checked(p, ScenarioReport.broken(ls.scenario(), e, null).withSource(p), List.of(e.getMessage()));
        }
        Scenario s = ls.scenario();
        List<String> problems = new ArrayList<>();
        if (s.steps().stream().noneMatch(st -> st.expect() != null)) {
            problems.add(p + " expects nothing, so it checks nothing: give at least one step an expect");
        }
        for (ScenarioRunner.StepResult r : run.failures()) {
            for (String d : r.differences()) {
                problems.add(p + ":" + r.step().line() + ": steps[" + r.index() + "]: " + d);
            }
        }
        return new Checked(p, ScenarioReport.of(run).withSource(p).withReplayCommand("./xpf replay " + p), problems);
    }
}
