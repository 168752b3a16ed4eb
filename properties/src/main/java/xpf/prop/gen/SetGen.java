package xpf.prop.gen;

import java.util.LinkedHashSet;
import java.util.Set;

import xpf.prop.Choices;
import xpf.prop.Gen;
import xpf.prop.TooManyRejections;

/**
 * Sets drawn like {@link ListGen}, skipping duplicates (bounded). Insertion-ordered, so iteration order depends
 * on the choices only, never on hash codes.
 */
public final class SetGen<T> implements Gen<Set<T>> {
    static final int MAX_DUPLICATES_IN_A_ROW = 50;

    private final Gen<T> element;
    private final int minSize;
    private final int maxSize;
    private final double more;

    public SetGen(Gen<T> element, int minSize, int maxSize) {
        Sizes.check(minSize, maxSize);
        this.element = element;
        this.minSize = minSize;
        this.maxSize = maxSize;
        this.more = Sizes.continueProbability(minSize, maxSize);
    }

    @Override
    public Set<T> generate(Choices choices) {
        Set<T> out = new LinkedHashSet<>();
        int duplicates = 0;
        choices.startSpan("set");
        while (true) {
            choices.startSpan("element");
            int n = out.size();
            boolean another = choices.coin(n < minSize ? 1 : n >= maxSize ? 0 : more);
            if (!another) {
                choices.endSpan();
                break;
            }
            T value = element.generate(choices);
            choices.endSpan();
            if (out.add(value)) {
                duplicates = 0;
            } else if (++duplicates > MAX_DUPLICATES_IN_A_ROW) {
                if (out.size() >= minSize) {
                    break;
                }
                throw new TooManyRejections("set of at least " + minSize + " elements: the element generator gave "
                        + MAX_DUPLICATES_IN_A_ROW + " duplicates in a row after " + out.size() + " distinct values");
            }
        }
        choices.endSpan();
        return out;
    }
}
