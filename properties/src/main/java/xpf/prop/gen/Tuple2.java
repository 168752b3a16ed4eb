package xpf.prop.gen;

/** Two values drawn together. */
public record Tuple2<A, B>(A first, B second) {
}
