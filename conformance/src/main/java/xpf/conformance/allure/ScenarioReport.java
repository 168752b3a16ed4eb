package xpf.conformance.allure;

import java.nio.file.Path;
import java.util.List;
import xpf.model.scenario.Scenario;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.trace.Trace;

/**
 * Everything known about one scenario run that goes into its Allure result. Build it with {@link #of(ScenarioRunner.Run)}
 * (the run completed: passed or failed), {@link #broken(Scenario, Throwable, Trace)} (the harness or the scenario file
 * broke: Allure "broken", like XTF's ERROR) or {@link #skipped(Scenario, String)} (the configuration does not apply:
 * Allure "skipped", like XTF's SKIP), then add what the caller has with the {@code with...} methods. Every field but
 * the scenario may be null.
 *
 * @param scenario      the scenario (from the run, or as loaded when it could not run)
 * @param run           the completed run, or null
 * @param trace         the trace: the run's, or what was recorded before an error
 * @param error         a harness or scenario error (makes the result broken)
 * @param skipReason    why the configuration does not apply (makes the result skipped)
 * @param sourceFile    the scenario file, for the name, the replay command and the attachment
 * @param sourceText    the scenario file's text (attached as {@code scenario.yaml}); read from sourceFile if null
 * @param shrunk        the shrunk scenario's text (YAML), when a property shrank a failure
 * @param replayCommand the one command that replays this failure ({@code ./xpf replay target/...yaml})
 * @param reference     the reference model's answers per step, when the caller has them
 * @param name          the result's name; defaults to the scenario file's corpus path or the scenario name
 */
public record ScenarioReport(Scenario scenario, ScenarioRunner.Run run, Trace trace, Throwable error, String skipReason,
        Path sourceFile, String sourceText, String shrunk, String replayCommand, List<ReferenceAnswer> reference,
        String name) {

    public ScenarioReport {
        if (scenario == null) {
            throw new IllegalArgumentException("a scenario report needs the scenario");
        }
        reference = reference == null ? List.of() : List.copyOf(reference);
    }

    /** A completed run (passed or failed against its expectations). */
    public static ScenarioReport of(ScenarioRunner.Run run) {
        return new ScenarioReport(run.scenario(), run, run.trace(), null, null, null, null, null, null, null, null);
    }

    /** The harness or the scenario broke (an exception, a malformed scenario): Allure "broken". */
    public static ScenarioReport broken(Scenario scenario, Throwable error, Trace partialTrace) {
        return new ScenarioReport(scenario, null, partialTrace, error, null, null, null, null, null, null, null);
    }

    /**
     * A file that could not be loaded: broken, under a placeholder scenario named after the file (no domains, no
     * steps), so the report still lists it with its load error.
     */
    public static ScenarioReport unloadable(Path file, Throwable error) {
        String base = file.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
        Scenario placeholder = new Scenario(Scenario.FORMAT_VERSION, base, "could not be loaded: " + error.getMessage(),
                List.of(), xpf.model.scenario.MachineSpec.modernIntel(xpf.model.scenario.XenProfile.XEN_4_22), List.of(),
                List.of(), List.of());
        return broken(placeholder, error, null).withSource(file);
    }

    /** The scenario does not apply to this configuration (e.g. needs a CPU feature the profile lacks): "skipped". */
    public static ScenarioReport skipped(Scenario scenario, String reason) {
        return new ScenarioReport(scenario, null, null, null, reason, null, null, null, null, null, null);
    }

    public ScenarioReport withSource(Path file) {
        return new ScenarioReport(scenario, run, trace, error, skipReason, file, sourceText, shrunk, replayCommand,
                reference, name);
    }

    public ScenarioReport withSourceText(String yaml) {
        return new ScenarioReport(scenario, run, trace, error, skipReason, sourceFile, yaml, shrunk, replayCommand,
                reference, name);
    }

    public ScenarioReport withShrunk(String shrunkYaml, String replay) {
        return new ScenarioReport(scenario, run, trace, error, skipReason, sourceFile, sourceText, shrunkYaml, replay,
                reference, name);
    }

    public ScenarioReport withReplayCommand(String replay) {
        return new ScenarioReport(scenario, run, trace, error, skipReason, sourceFile, sourceText, shrunk, replay,
                reference, name);
    }

    public ScenarioReport withReference(List<ReferenceAnswer> answers) {
        return new ScenarioReport(scenario, run, trace, error, skipReason, sourceFile, sourceText, shrunk,
                replayCommand, answers, name);
    }

    public ScenarioReport withName(String n) {
        return new ScenarioReport(scenario, run, trace, error, skipReason, sourceFile, sourceText, shrunk,
                replayCommand, reference, n);
    }

    /** The result's verdict: the same four outcomes as XTF (SUCCESS / FAILURE / ERROR / SKIP). */
    public ScenarioVerdict verdict() {
        return ScenarioVerdict.of(this);
    }
}
