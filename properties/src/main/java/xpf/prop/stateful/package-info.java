/**
 * Model-based properties: actions applied to a system and a model, preconditions, invariants after every step,
 * scenarios that shrink and replay exactly.
 */
package xpf.prop.stateful;
