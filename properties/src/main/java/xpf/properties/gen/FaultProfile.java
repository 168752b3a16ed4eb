package xpf.properties.gen;

import java.util.List;
import xpf.prop.Gen;
import xpf.prop.Gens;
import xpf.prop.gen.Swarm;

/**
 * A try's swarm profile: how likely each kind of step and each injected fault is in this try. Drawn from the choices
 * (each knob one of 0, 0.1, ..., 1), so some tries never see a knob and others see it on almost every step, and a
 * failure shrinks towards "knob off".
 *
 * <p>Step kinds: {@code access} (a guest access to a target), {@code pte_write} (the guest writes one of its own
 * page-table entries through a mapping: PV ptwr, HVM shadowed-table write), {@code host_write} (an entry changes
 * behind the guest's back), {@code cr_write}, {@code invlpg}, {@code hypercall} (PV: mmu_update, update_va_mapping,
 * mmuext_op, set_trap_table, iret, multicall). Faults: {@code emulator_fails}, {@code shadow_oom},
 * {@code pending_event}, {@code events_pending} (the Xen knobs of a step), and {@code no_flush} (a change is not
 * followed by the INVLPG or CR3 reload it needs: stale TLB and paging-structure caches).
 */
public record FaultProfile(Swarm swarm) {

    public static final List<String> STEP_KNOBS = List.of("access", "pte_write", "host_write", "cr_write",
            "invlpg", "hypercall");
    public static final List<String> FAULT_KNOBS = List.of("emulator_fails", "shadow_oom", "pending_event",
            "events_pending", "no_flush");

    /** The swarm generator: step knobs then fault knobs. */
    public static Gen<FaultProfile> profiles() {
        String[] all = new String[STEP_KNOBS.size() + FAULT_KNOBS.size()];
        int i = 0;
        for (String k : STEP_KNOBS) {
            all[i++] = k;
        }
        for (String k : FAULT_KNOBS) {
            all[i++] = k;
        }
        return Gens.swarm(all).map(FaultProfile::new);
    }

    /** A profile with every fault knob off and all step kinds equally likely (liveness runs). */
    public FaultProfile faultsOff() {
        java.util.Map<String, Double> p = new java.util.LinkedHashMap<>(swarm.probabilities());
        for (String k : FAULT_KNOBS) {
            p.put(k, 0.0);
        }
        return new FaultProfile(new Swarm(p));
    }

    public double p(String knob) {
        return swarm.p(knob);
    }

    /** Knobs whose probability is above zero (a statistics label). */
    public boolean faultsOn() {
        for (String k : FAULT_KNOBS) {
            if (swarm.p(k) > 0 && !k.equals("no_flush")) {
                return true;
            }
        }
        return false;
    }
}
