package xpf.properties.gen;

import java.util.List;
import xpf.model.scenario.Scenario;

/**
 * A generated scenario with how it was made: the family, the domain plans the steps aimed at, and the try's swarm
 * profile. {@code recheck} marks the tries (about one in fifty, drawn like everything else) that also run twice for
 * the determinism self-check.
 */
public record Generated(String family, Scenario scenario, List<DomainPlan> plans, FaultProfile profile,
        boolean recheck) {

    public Generated {
        plans = List.copyOf(plans);
    }

    public Generated withScenario(Scenario s) {
        return new Generated(family, s, plans, profile, recheck);
    }

    @Override
    public String toString() {
        return xpf.sim.scenario.load.ScenarioWriter.write(scenario);
    }
}
