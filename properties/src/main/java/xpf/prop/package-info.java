/**
 * The property engine: generators over a recorded choice sequence ({@link xpf.prop.Gen}, {@link xpf.prop.Gens},
 * {@link xpf.prop.Choices}), properties ({@link xpf.prop.Property}) and their runner ({@link
 * xpf.prop.PropertyRunner}). Knows nothing of Xen or of the simulator; see docs/property-engine.md.
 */
package xpf.prop;
