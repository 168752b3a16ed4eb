package xpf.model.xen;

import xpf.model.scenario.MachineSpec;

/**
 * A PV domain's state as plain data. Its components are defined together with the PV reference model (frame table
 * entries, trap table, vCPU modes and stacks, memory, TLB); see docs/reference-model-pv.md.
 */
public record PvDomainView(String domain, MachineSpec machine, boolean alive) implements DomainView {
}
