package xpf.prop.gen;

import java.util.ArrayList;
import java.util.List;

import xpf.prop.Choices;
import xpf.prop.Gen;

/**
 * Lists drawn element by element: before each element a coin says "one more" (forced to 1 below the minimum and
 * to 0 at the maximum). Each element is a span holding its coin and its choices, so deleting the span deletes
 * exactly that element and the rest of the list stays aligned.
 */
public final class ListGen<T> implements Gen<List<T>> {
    private final Gen<T> element;
    private final int minSize;
    private final int maxSize;
    private final double more;

    public ListGen(Gen<T> element, int minSize, int maxSize) {
        Sizes.check(minSize, maxSize);
        this.element = element;
        this.minSize = minSize;
        this.maxSize = maxSize;
        this.more = Sizes.continueProbability(minSize, maxSize);
    }

    @Override
    public List<T> generate(Choices choices) {
        List<T> out = new ArrayList<>();
        choices.startSpan("list");
        while (true) {
            choices.startSpan("element");
            int n = out.size();
            boolean another = choices.coin(n < minSize ? 1 : n >= maxSize ? 0 : more);
            if (!another) {
                choices.endSpan();
                break;
            }
            out.add(element.generate(choices));
            choices.endSpan();
        }
        choices.endSpan();
        return out;
    }
}
