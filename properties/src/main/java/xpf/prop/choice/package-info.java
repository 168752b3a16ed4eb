/**
 * Where choices come from and how they are kept: seeded random, replayed and (in xpf.prop.jazzer) fuzzer sources,
 * recorded sequences with their spans, and choice files.
 */
package xpf.prop.choice;
