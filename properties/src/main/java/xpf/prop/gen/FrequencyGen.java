package xpf.prop.gen;

import java.util.List;

import xpf.prop.Choices;
import xpf.prop.Gen;

/**
 * Weighted choice among generators: one choice in {@code [0, total weight)} picks the alternative whose cumulative
 * weight covers it, so lowering the choice moves towards the first alternative.
 */
public final class FrequencyGen<T> implements Gen<T> {
    /** A generator with its weight. */
    public record Weighted<T>(int weight, Gen<? extends T> gen) {
        public Weighted {
            if (weight < 0) {
                throw new IllegalArgumentException("weights must be >= 0, got " + weight);
            }
        }
    }

    private final List<Gen<? extends T>> gens;
    private final long[] cumulative;
    private final long total;

    public FrequencyGen(List<Weighted<T>> alternatives) {
        gens = alternatives.stream().<Gen<? extends T>>map(Weighted::gen).toList();
        cumulative = new long[alternatives.size()];
        long sum = 0;
        for (int i = 0; i < cumulative.length; i++) {
            sum += alternatives.get(i).weight();
            cumulative[i] = sum;
        }
        if (sum <= 0) {
            throw new IllegalArgumentException("frequency needs a positive total weight");
        }
        total = sum;
    }

    @Override
    public T generate(Choices choices) {
        choices.startSpan("frequency");
        long c = choices.choose(total - 1);
        int i = 0;
        while (cumulative[i] <= c) {
            i++;
        }
        T value = gens.get(i).generate(choices);
        choices.endSpan();
        return value;
    }
}
