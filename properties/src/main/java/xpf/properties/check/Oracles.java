package xpf.properties.check;

import java.util.EnumMap;
import java.util.Map;
import xpf.conformance.reference.xen.BareOracle;
import xpf.conformance.reference.xen.HvmOracle;
import xpf.conformance.reference.xen.OutcomeOracle;
import xpf.conformance.reference.xen.PvOracle;
import xpf.model.scenario.DomainKind;

/**
 * The independent reference models of Xen's fault outcomes ({@code xpf.conformance.reference.xen}), by domain kind:
 * the bare x86 oracle, the PV oracle (64- and 32-bit, both profiles) and the HVM oracle (SVM and VMX, shadow and
 * HAP). Every step of every family is predicted by one of them; {@link #none()} exists for the bug-switch and
 * invariant-only runs that want to see what the invariants alone catch.
 */
public final class Oracles {

    private static final Oracles ALL;
    private static final Oracles NONE = new Oracles(new EnumMap<>(DomainKind.class), null);

    static {
        Map<DomainKind, OutcomeOracle> m = new EnumMap<>(DomainKind.class);
        m.put(DomainKind.BARE, new BareOracle());
        PvOracle pv = new PvOracle();
        m.put(DomainKind.PV64, pv);
        m.put(DomainKind.PV32, pv);
        HvmOracle hvm = new HvmOracle();
        m.put(DomainKind.HVM_SVM, hvm);
        m.put(DomainKind.HVM_VMX, hvm);
        ALL = new Oracles(m, pv);
    }

    private final Map<DomainKind, OutcomeOracle> byKind;
    private final PvOracle pv;

    private Oracles(Map<DomainKind, OutcomeOracle> byKind, PvOracle pv) {
        this.byKind = byKind;
        this.pv = pv;
    }

    /** Every reference oracle. */
    public static Oracles available() {
        return ALL;
    }

    /** No oracle (invariants only). */
    public static Oracles none() {
        return NONE;
    }

    public OutcomeOracle forKind(DomainKind k) {
        return byKind.get(k);
    }

    /** The PV oracle (for its intended effects), or null in {@link #none()}. */
    public PvOracle pv() {
        return pv;
    }

    public boolean has(DomainKind k) {
        return byKind.containsKey(k);
    }
}
