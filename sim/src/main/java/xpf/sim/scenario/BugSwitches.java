package xpf.sim.scenario;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import xpf.sim.xen.BugSwitch;
import xpf.sim.xen.hvm.HvmBug;
import xpf.sim.xen.pv.PvBug;

/**
 * Every seeded historic bug switch of the simulator, PV and HVM (issue 8 §4; docs/bug-switches.md). It lives above
 * both paths because {@code xpf.sim.xen} may use neither: the scenario loader checks a scenario's {@code bugs:}
 * entries against it (a typo must never silently switch nothing), and the bug-switch tests of the conformance
 * module take their list of switches from it. Order: PV switches, then HVM switches, each in its enum's order.
 */
public final class BugSwitches {
    private static final Map<String, BugSwitch> BY_ID;

    static {
        Map<String, BugSwitch> m = new LinkedHashMap<>();
        List<BugSwitch> all = new ArrayList<>();
        Collections.addAll(all, PvBug.values());
        Collections.addAll(all, HvmBug.values());
        for (BugSwitch b : all) {
            if (m.put(b.id(), b) != null) {
                throw new IllegalStateException("bug switch id '" + b.id() + "' is defined twice");
            }
        }
        BY_ID = Collections.unmodifiableMap(m);
    }

    private BugSwitches() {
    }

    /** Every switch, PV first. */
    public static List<BugSwitch> all() {
        return List.copyOf(BY_ID.values());
    }

    /** Every switch id, in catalogue order. */
    public static List<String> ids() {
        return List.copyOf(BY_ID.keySet());
    }

    public static Optional<BugSwitch> byId(String id) {
        return Optional.ofNullable(BY_ID.get(id));
    }

    /**
     * The switch with this id.
     *
     * @throws IllegalArgumentException naming the known ids, in the loader's "(expected a, b, c)" style
     */
    public static BugSwitch fromWire(String id) {
        BugSwitch b = BY_ID.get(id);
        if (b == null) {
            throw new IllegalArgumentException("unknown bug switch '" + id + "' (expected "
                    + String.join(", ", BY_ID.keySet()) + ")");
        }
        return b;
    }
}
