/**
 * Plain data types of a fault scenario (docs/scenario-format.md): the machine, the domains with their memory, page
 * tables, vCPUs and registrations, the list of operations, and per-operation expectations; and the outcome classes
 * that the simulator reports and the reference model predicts. No behaviour lives here: the simulator
 * ({@code xpf.sim.scenario}) runs scenarios, the reference model ({@code xpf.conformance.reference}) predicts them.
 */
package xpf.model.scenario;
