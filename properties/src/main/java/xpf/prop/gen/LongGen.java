package xpf.prop.gen;

import xpf.prop.Choices;
import xpf.prop.Gen;

/** Longs in a range, one choice each, edge cases mixed in by random sources. */
public final class LongGen implements Gen<Long> {
    private final LongRange range;

    public LongGen(long min, long max) {
        this.range = new LongRange(min, max);
    }

    @Override
    public Long generate(Choices choices) {
        return range.valueOf(choices.choose(range.maxChoice(), range.edgeChoices()));
    }

    @Override
    public String toString() {
        return "longs(" + range.min() + ", " + range.max() + ")";
    }
}
