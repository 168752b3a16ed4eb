package xpf.model.scenario;

import java.util.List;

/**
 * A fault scenario (docs/scenario-format.md): format version, name, description, rule tags, the machine, the bug
 * switches turned on (test use only), the domains' initial state and the steps to run.
 */
public record Scenario(int version, String name, String description, List<String> tags, MachineSpec machine,
        List<String> bugs, List<DomainSpec> domains, List<Step> steps) {

    /** The format version this build reads and writes. */
    public static final int FORMAT_VERSION = 1;

    public Scenario {
        tags = List.copyOf(tags);
        bugs = List.copyOf(bugs);
        domains = List.copyOf(domains);
        steps = List.copyOf(steps);
    }

    public DomainSpec domain(String name) {
        for (DomainSpec d : domains) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException("no domain named '" + name + "'");
    }

    public Scenario withSteps(List<Step> s) {
        return new Scenario(version, name, description, tags, machine, bugs, domains, s);
    }

    public Scenario withBugs(List<String> b) {
        return new Scenario(version, name, description, tags, machine, b, domains, steps);
    }
}
