package xpf.prop.gen;

import xpf.prop.Choices;
import xpf.prop.Gen;

/** Ints in a range: {@link LongGen} without the boxing of a {@code map}. */
public final class IntGen implements Gen<Integer> {
    private final LongRange range;

    public IntGen(int min, int max) {
        this.range = new LongRange(min, max);
    }

    @Override
    public Integer generate(Choices choices) {
        return (int) range.valueOf(choices.choose(range.maxChoice(), range.edgeChoices()));
    }

    @Override
    public String toString() {
        return "ints(" + range.min() + ", " + range.max() + ")";
    }
}
