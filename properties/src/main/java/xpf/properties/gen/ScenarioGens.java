package xpf.properties.gen;

import java.util.ArrayList;
import java.util.List;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.HvmPaging;
import xpf.model.scenario.MachineSpec;
import xpf.model.scenario.Scenario;
import xpf.model.scenario.Step;
import xpf.prop.Gen;
import xpf.prop.Gens;

/**
 * The suite's scenario generators, one per {@link Family}: a try draws its swarm profile, the machine, one or two
 * domains and a list of step groups (each group one step, plus the flush a change needs unless the profile says
 * otherwise). Everything comes from the choices, so a scenario shrinks (fewer groups, simpler domains, knobs off) and
 * replays. Used by the JUnit properties and by the fuzzer alike.
 */
public final class ScenarioGens {

    /** Step groups per scenario in the default run. */
    public static final int MAX_GROUPS = 10;

    /** The swarm-profile generator (stateless: built once, not per try). */
    private static final Gen<FaultProfile> PROFILES = FaultProfile.profiles();

    private ScenarioGens() {
    }

    public static Gen<Generated> scenarios(Family family) {
        return scenarios(family, List.of(), MAX_GROUPS, false);
    }

    /**
     * @param bugs      seeded bug switches the scenarios turn on
     * @param maxGroups most step groups per scenario
     * @param faultsOff every Xen knob off (the liveness runs)
     */
    public static Gen<Generated> scenarios(Family family, List<String> bugs, int maxGroups, boolean faultsOff) {
        return c -> {
            Draw d = new Draw(c);
            FaultProfile drawn = c.draw("profile", PROFILES);
            FaultProfile prof = faultsOff ? drawn.faultsOff() : drawn;
            boolean recheck = d.p(0.02);
            DomainKind kind;
            HvmPaging paging = null;
            switch (family) {
                case BARE -> kind = DomainKind.BARE;
                case HVM_SHADOW -> {
                    kind = d.p(0.5) ? DomainKind.HVM_SVM : DomainKind.HVM_VMX;
                    paging = HvmPaging.SHADOW;
                }
                case HVM_HAP -> {
                    kind = d.p(0.5) ? DomainKind.HVM_SVM : DomainKind.HVM_VMX;
                    paging = HvmPaging.HAP;
                }
                case PV -> kind = d.p(0.6) ? DomainKind.PV64 : DomainKind.PV32;
                default -> throw new IllegalArgumentException("no generator for " + family);
            }
            HvmPaging pg = paging;
            MachineSpec m = c.draw("machine", Machines.machines(kind, paging));
            int nDomains = d.p(0.12) ? 2 : 1;
            List<DomainPlan> plans = new ArrayList<>();
            for (int i = 0; i < nDomains; i++) {
                DomainKind k = i == 0 || family != Family.HVM_SHADOW && family != Family.HVM_HAP ? kind
                        : d.p(0.5) ? DomainKind.HVM_SVM : DomainKind.HVM_VMX;
                String name = i == 0 ? "guest" : "d" + i;
                long base = 0x1000L * (i + 1);
                if (family == Family.PV) {
                    plans.add(d.span("domain", () -> PvDomains.generate(d, m, k, name, base)));
                } else {
                    plans.add(d.span("domain", () -> X86Domains.generate(d, m, k, pg, name, base)));
                }
            }
            boolean pv = family == Family.PV;
            List<List<Step>> groups = c.draw("steps", Gens.lists(ch -> pv ? PvSteps.group(new Draw(ch), m, plans,
                    prof) : X86Steps.group(new Draw(ch), m, plans, prof), 1, maxGroups));
            List<Step> steps = new ArrayList<>();
            if (pv && plans.get(0).spec().vcpus().get(0).pvKernelMode() && d.p(0.15)) {
                // A kernel that set up its LDT (16 descriptors on the read-only LDT page) before the steps: the LDT
                // area's lazy mapping is then reachable by any later descriptor access.
                steps.add(new Step(plans.get(0).name(), 0, new xpf.model.scenario.Hypercall(
                        new xpf.model.scenario.HypercallOp.MmuextOp(List.of(new xpf.model.scenario.HypercallOp
                                .MmuextOp.Request(13, PvDomains.LDT_VA, 16)), 0x7ff0)), xpf.model.scenario.Knobs.NONE,
                        null, null, 0));
            }
            for (List<Step> g : groups) {
                steps.addAll(g);
            }
            List<DomainSpec> specs = new ArrayList<>(plans.size());
            for (DomainPlan p : plans) {
                specs.add(p.spec());
            }
            Scenario s = new Scenario(Scenario.FORMAT_VERSION, "prop-" + family.id(), "", List.of(), m, bugs, specs,
                    steps);
            return new Generated(family.id(), s, plans, prof, recheck);
        };
    }
}
