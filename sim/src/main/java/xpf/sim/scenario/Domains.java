package xpf.sim.scenario;

import xpf.model.scenario.DomainSpec;
import xpf.sim.domain.BuildContext;
import xpf.sim.domain.GuestDomain;
import xpf.sim.xen.pv.PvDomain;

/** Builds the running domain for a domain spec, by kind. */
final class Domains {

    private Domains() {
    }

    static GuestDomain create(DomainSpec spec, BuildContext ctx) {
        return switch (spec.kind()) {
            case BARE -> new BareDomain(spec, ctx);
            case PV64, PV32 -> new PvDomain(spec, ctx);
            case HVM_SVM, HVM_VMX -> new xpf.sim.xen.hvm.HvmDomain(spec, ctx);
        };
    }
}
