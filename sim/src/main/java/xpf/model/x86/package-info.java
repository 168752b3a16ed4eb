/**
 * Plain data types of the x86 walk contract: what a walk case is (CPU, controls, memory, access) and what its
 * outcome is. The simulator ({@code xpf.sim.x86}) and the independent reference model
 * ({@code xpf.conformance.reference}) both speak these types; nothing here decides how a walk behaves.
 * The JSON form is specified in docs/walk-service.md.
 */
package xpf.model.x86;
