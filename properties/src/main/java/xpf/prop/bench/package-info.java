/**
 * A measurement API for {@code ./xpf bench} (engine throughput, shrink time of a planted stateful bug); the JMH
 * benchmarks live in the test sources.
 */
package xpf.prop.bench;
