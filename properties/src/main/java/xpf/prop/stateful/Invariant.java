package xpf.prop.stateful;

/** Checked after every step: system and model agree, or the system is internally consistent. Throw to fail. */
@FunctionalInterface
public interface Invariant<S, M> {
    void check(S system, M model) throws Throwable;
}
