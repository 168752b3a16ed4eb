package xpf.sim.scenario.load;

import xpf.model.scenario.Scenario;
import xpf.sim.domain.ScenarioError;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.trace.Trace;

/**
 * A scenario as loaded from a file: the file name as given, the model, and where each field was written, so that
 * errors found later (building the machine, running a step) are reported at their place in the file too.
 */
public record LoadedScenario(String file, Scenario scenario, SourceMap sources) {

    /** The located form of an error the simulator raised for one of this scenario's fields. */
    public ScenarioLoadException locate(ScenarioError e) {
        String path = e.path() == null ? "" : e.path();
        String msg = e.getMessage();
        String prefix = path + ": ";
        String problem = !path.isEmpty() && msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg;
        return new ScenarioLoadException(file, sources.locate(path), path, problem);
    }

    /** Runs the scenario; a {@link ScenarioError} becomes a located {@link ScenarioLoadException}. */
    public ScenarioRunner.Run run() {
        return run(new Trace());
    }

    public ScenarioRunner.Run run(Trace trace) {
        try {
            return ScenarioRunner.run(scenario, trace);
        } catch (ScenarioError e) {
            throw locate(e);
        }
    }
}
