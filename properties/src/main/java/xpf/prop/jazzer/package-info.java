/**
 * Jazzer integration: fuzzer bytes as choices, so any property is also a {@code @FuzzTest}.
 */
package xpf.prop.jazzer;
