package xpf.properties.check;

import java.util.EnumMap;
import java.util.Map;
import xpf.conformance.reference.xen.OutcomeOracle;
import xpf.model.scenario.DomainKind;

/**
 * The independent reference models of Xen's fault outcomes, by domain kind. The bare, PV and HVM oracles of
 * {@code xpf.conformance.reference.xen} are looked up by name, so the suite runs (counting every step as "no oracle")
 * in a build where one of them has not landed yet.
 */
public final class Oracles {

    /** The oracle classes, by the kinds they answer for. */
    static final Map<String, DomainKind[]> CLASSES = Map.of(
            "xpf.conformance.reference.xen.BareOracle", new DomainKind[] {DomainKind.BARE},
            "xpf.conformance.reference.xen.PvOracle", new DomainKind[] {DomainKind.PV64, DomainKind.PV32},
            "xpf.conformance.reference.xen.HvmOracle", new DomainKind[] {DomainKind.HVM_SVM, DomainKind.HVM_VMX});

    private static final Oracles AVAILABLE = load();
    private static final Oracles NONE = new Oracles(new EnumMap<>(DomainKind.class));

    private final Map<DomainKind, OutcomeOracle> byKind;

    private Oracles(Map<DomainKind, OutcomeOracle> byKind) {
        this.byKind = byKind;
    }

    /** Every oracle on the class path. */
    public static Oracles available() {
        return AVAILABLE;
    }

    /** No oracle (invariants only). */
    public static Oracles none() {
        return NONE;
    }

    public OutcomeOracle forKind(DomainKind k) {
        return byKind.get(k);
    }

    public boolean has(DomainKind k) {
        return byKind.containsKey(k);
    }

    private static Oracles load() {
        Map<DomainKind, OutcomeOracle> m = new EnumMap<>(DomainKind.class);
        for (Map.Entry<String, DomainKind[]> e : CLASSES.entrySet()) {
            try {
                Class<?> c = Class.forName(e.getKey());
                OutcomeOracle o = (OutcomeOracle) c.getDeclaredConstructor().newInstance();
                for (DomainKind k : e.getValue()) {
                    m.put(k, o);
                }
            } catch (ReflectiveOperationException | ClassCastException | LinkageError ignored) {
                // not in this build yet
            }
        }
        return new Oracles(m);
    }
}
