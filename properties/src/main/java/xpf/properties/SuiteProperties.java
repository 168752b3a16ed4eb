package xpf.properties;

import java.util.List;
import xpf.model.scenario.VcpuSpec;
import xpf.properties.check.Oracles;
import xpf.properties.gen.Family;
import xpf.properties.gen.Generated;
import xpf.properties.gen.ScenarioGens;
import xpf.properties.paths.Catalogue;
import xpf.prop.Property;

/**
 * The property suite's properties as values, for the JUnit suites, the bug-switch detection test and the fuzzer: for
 * every generated scenario of a family, every step keeps the suite's invariants and agrees with the reference
 * models; the family's catalogue paths are reached at their minimum rates.
 */
public final class SuiteProperties {

    private SuiteProperties() {
    }

    /** Options of one property. */
    public record Options(List<String> bugs, Oracles oracles, int maxGroups, boolean faultsOff, boolean coverage) {
        public static Options defaults() {
            return new Options(List.of(), Oracles.available(), ScenarioGens.MAX_GROUPS, false, true);
        }

        public Options withBugs(List<String> b) {
            return new Options(b, oracles, maxGroups, faultsOff, coverage);
        }

        public Options withCoverage(boolean c) {
            return new Options(bugs, oracles, maxGroups, faultsOff, c);
        }

        public Options withMaxGroups(int g) {
            return new Options(bugs, oracles, g, faultsOff, coverage);
        }

        public Options withOracles(Oracles o) {
            return new Options(bugs, o, maxGroups, faultsOff, coverage);
        }

        public Options withFaultsOff(boolean f) {
            return new Options(bugs, oracles, maxGroups, f, coverage);
        }
    }

    public static Property<Generated> property(Family family) {
        return property(family, Options.defaults());
    }

    public static Property<Generated> property(Family family, Options opt) {
        Property.Builder<Generated> b = Property.forAll(ScenarioGens.scenarios(family, opt.bugs(), opt.maxGroups(),
                opt.faultsOff()))
                .classify("kind", g -> g.scenario().domains().get(0).kind().wireName())
                .classify("profile", g -> g.scenario().machine().xen().wireName())
                .classify("vendor", g -> g.scenario().machine().vendor().wireName())
                .classify("mode", g -> {
                    VcpuSpec v = g.scenario().domains().get(0).vcpus().get(0);
                    return v.mode() == null ? "off" : v.mode().wireName();
                })
                .classify("domains", g -> g.scenario().domains().size() + " domain(s)")
                .classify("fault knobs", g -> g.profile().faultsOn() ? "some on" : "all off")
                .describeWith(Generated::toString)
                .renderWith(new ScenarioRenderer(opt.oracles()));
        if (opt.coverage()) {
            for (Catalogue c : Catalogue.of(suiteOf(family))) {
                b.cover(Catalogue.CATEGORY, c.label(), c.minPercent());
            }
        }
        b.cover("oracle", "every step modelled", modelledFloor(family));
        return b.check((g, ctx) -> {
            SuiteRun.Report r = SuiteRun.run(g.scenario(), opt.oracles(), g.recheck());
            SuiteTotals.add(family, r);
            ctx.label("oracle", r.notModelled() == 0 ? "every step modelled" : "some step not modelled");
            for (String p : r.paths()) {
                ctx.label(Catalogue.CATEGORY, p);
            }
            for (String l : r.labels()) {
                ctx.label("step outcomes", l);
            }
            ctx.label("steps", r.steps() <= 4 ? "1-4" : r.steps() <= 10 ? "5-10" : "11+");
            if (g.recheck()) {
                ctx.label("determinism", "rechecked");
            }
        });
    }

    /**
     * The cap on steps the reference does not model, as a floor on the share of tries whose every step it modelled
     * (measured on long scenarios: bare 78 %, HVM shadow 71 %, HAP 79 %, PV 85 %; the floors leave room for seed-to-seed spread but
     * fail the property when not-modelled steps grow).
     */
    static double modelledFloor(Family f) {
        return switch (f) {
            case BARE -> 65;
            case HVM_SHADOW -> 55;
            case HVM_HAP -> 55;
            case PV -> 70;
        };
    }

    public static Catalogue.Suite suiteOf(Family f) {
        return switch (f) {
            case BARE -> Catalogue.Suite.BARE;
            case HVM_SHADOW -> Catalogue.Suite.HVM_SHADOW;
            case HVM_HAP -> Catalogue.Suite.HVM_HAP;
            case PV -> Catalogue.Suite.PV;
        };
    }
}
