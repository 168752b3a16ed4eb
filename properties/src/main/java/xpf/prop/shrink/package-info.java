/**
 * Hypothesis-style internal shrinking: passes that edit a failing choice sequence, replayed until no pass finds a
 * simpler failing one or the budget is spent.
 */
package xpf.prop.shrink;
