/**
 * The property suite over the whole simulator (issue 9): generators of machines, domains, page-table forests, guest
 * page-table mutations and faults ({@code xpf.properties.gen}), the invariants checked after every step and the
 * reference-model comparison ({@code xpf.properties.check}), and the reachability catalogue
 * ({@code xpf.properties.paths}). Everything here is main code, so the fuzzer reuses it. See docs/property-suite.md.
 */
package xpf.properties;
