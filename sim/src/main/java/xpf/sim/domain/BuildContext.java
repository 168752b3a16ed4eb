package xpf.sim.domain;

import xpf.sim.xen.Xen;

/**
 * What a domain factory gets: the machine, Xen's shared state (unused by bare domains), the domain's id and index in
 * the scenario, and the field path of its spec (for error messages, e.g. {@code domains[1]}).
 */
public record BuildContext(Machine machine, Xen xen, int domainIndex, int domid, String path) {
}
