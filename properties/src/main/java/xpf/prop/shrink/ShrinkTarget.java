package xpf.prop.shrink;

/** Replays a candidate choice sequence through the property; deterministic by contract. */
@FunctionalInterface
public interface ShrinkTarget {
    Attempt run(long[] candidate);
}
