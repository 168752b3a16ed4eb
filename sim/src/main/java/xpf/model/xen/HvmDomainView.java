package xpf.model.xen;

import xpf.model.scenario.MachineSpec;

/**
 * An HVM domain's state as plain data. Its components are defined together with the HVM reference model (p2m, guest
 * memory, vCPU registers and VMCB/VMCS fields, pending events, shadow state, devices); see docs/reference-model-hvm.md.
 */
public record HvmDomainView(String domain, MachineSpec machine, boolean alive) implements DomainView {
}
