package xpf.prop.gen;

import java.util.List;

import xpf.prop.Choices;
import xpf.prop.Gen;

/** One of several generators, chosen uniformly; shrinks towards the first, so list the simplest first. */
public final class OneOfGen<T> implements Gen<T> {
    private final List<Gen<? extends T>> alternatives;

    public OneOfGen(List<Gen<? extends T>> alternatives) {
        if (alternatives.isEmpty()) {
            throw new IllegalArgumentException("oneOf needs at least one generator");
        }
        this.alternatives = List.copyOf(alternatives);
    }

    @Override
    public T generate(Choices choices) {
        choices.startSpan("oneOf");
        T value = alternatives.get(choices.index(alternatives.size())).generate(choices);
        choices.endSpan();
        return value;
    }
}
