package xpf.prop.gen;

/** Four values drawn together. */
public record Tuple4<A, B, C, D>(A first, B second, C third, D fourth) {
}
