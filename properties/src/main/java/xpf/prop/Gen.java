package xpf.prop;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

import xpf.prop.gen.FilterGen;
import xpf.prop.gen.ListGen;
import xpf.prop.gen.SetGen;

/**
 * A generator: a value built from choices. Because every random decision goes through {@link Choices}, any
 * generator, including a plain lambda, shrinks and replays without further work:
 *
 * <pre>{@code
 * Gen<Point> points = c -> new Point(c.draw(xs), c.draw(ys));
 * }</pre>
 *
 * Generators are immutable values and may be shared between properties and threads.
 */
@FunctionalInterface
public interface Gen<T> {

    T generate(Choices choices);

    default <R> Gen<R> map(Function<? super T, ? extends R> f) {
        return c -> f.apply(generate(c));
    }

    /** A generator chosen by a value of this one; both draws sit in one span so they shrink together. */
    default <R> Gen<R> flatMap(Function<? super T, ? extends Gen<? extends R>> f) {
        return c -> {
            c.startSpan("flatMap");
            T t = generate(c);
            R r = f.apply(t).generate(c);
            c.endSpan();
            return r;
        };
    }

    /**
     * Keeps only values that pass {@code predicate}, redrawing up to {@link FilterGen#DEFAULT_ATTEMPTS} times; then
     * the try is discarded with a {@link TooManyRejections} that names where the filter was created. Prefer
     * generating valid values directly: a filter that rejects most values makes runs slow and shrinking weak.
     */
    default Gen<T> filter(Predicate<? super T> predicate) {
        return new FilterGen<>(this, predicate, FilterGen.DEFAULT_ATTEMPTS, FilterGen.callerOf(Gen.class));
    }

    default Gen<T> filter(String description, Predicate<? super T> predicate) {
        return new FilterGen<>(this, predicate, FilterGen.DEFAULT_ATTEMPTS, description);
    }

    default Gen<List<T>> list(int minSize, int maxSize) {
        return new ListGen<>(this, minSize, maxSize);
    }

    default Gen<Set<T>> set(int minSize, int maxSize) {
        return new SetGen<>(this, minSize, maxSize);
    }

    default <V> Gen<Map<T, V>> mapTo(Gen<V> values, int minSize, int maxSize) {
        return Gens.maps(this, values, minSize, maxSize);
    }

    /** Puts this generator's choices in a span labelled {@code label}, for statistics-free structure and for
     *  domain shrink passes that act on spans with that label. */
    default Gen<T> named(String label) {
        Gen<T> self = this;
        return c -> c.draw(label, self);
    }
}
