package xpf.prop.gen;

/** Three values drawn together. */
public record Tuple3<A, B, C>(A first, B second, C third) {
}
