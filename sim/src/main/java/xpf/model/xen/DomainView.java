package xpf.model.xen;

import xpf.model.scenario.MachineSpec;

/** The state of one domain (and the machine under it) at a point of a run, as plain data. */
public sealed interface DomainView permits BareDomainView, PvDomainView, HvmDomainView {

    String domain();

    MachineSpec machine();

    /** Whether the domain still runs (not crashed, not shut down). */
    boolean alive();
}
