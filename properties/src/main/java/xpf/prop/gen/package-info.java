/**
 * Generator implementations behind {@link xpf.prop.Gens}: integer ranges with edge cases, collections, weighted
 * choice, filters, records, bit masks, swarm knobs.
 */
package xpf.prop.gen;
