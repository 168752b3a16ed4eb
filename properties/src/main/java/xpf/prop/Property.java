package xpf.prop;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

import xpf.prop.report.FailureRenderer;
import xpf.prop.shrink.ShrinkPass;
import xpf.prop.stats.Coverage;

/**
 * A property: for all values of a generator, a check holds. A value object that says what to check, not how to
 * run it: the JUnit integration ({@code PropertyCheck}), the Jazzer driver and {@link PropertyRunner} run it.
 *
 * <pre>{@code
 * Property<List<Integer>> p = Property.forAll(lists(ints(0, 1000), 0, 10))
 *     .classify("size", xs -> xs.size() < 3 ? "short" : "long")
 *     .cover("size", "long", 20.0)
 *     .satisfies(xs -> assertThat(sum(xs)).isLessThanOrEqualTo(100));
 * }</pre>
 */
public final class Property<T> {
    /** A statistics classifier: the label (or null for none) of a value in a category. */
    public record Classifier<T>(String category, Function<? super T, ?> label) {
    }

    private final Gen<T> gen;
    private final Body<T> body;
    private final String name;
    private final List<Classifier<T>> classifiers;
    private final List<Coverage> coverage;
    private final FailureRenderer<? super T> renderer;
    private final List<ShrinkPass> shrinkPasses;
    private final Function<? super T, String> describer;

    private Property(Builder<T> b, Body<T> body) {
        this.gen = b.gen;
        this.body = body;
        this.name = b.name;
        this.classifiers = List.copyOf(b.classifiers);
        this.coverage = List.copyOf(b.coverage);
        this.renderer = b.renderer;
        this.shrinkPasses = List.copyOf(b.shrinkPasses);
        this.describer = b.describer;
    }

    public static <T> Builder<T> forAll(Gen<T> gen) {
        return new Builder<>(gen);
    }

    public Gen<T> gen() {
        return gen;
    }

    public Body<T> body() {
        return body;
    }

    /** Optional name, appended to the test's id when one test method checks several properties. */
    public String name() {
        return name;
    }

    public List<Classifier<T>> classifiers() {
        return classifiers;
    }

    public List<Coverage> coverage() {
        return coverage;
    }

    /** Renders the shrunk value as files (a scenario YAML, say); null when the property has none. */
    public FailureRenderer<? super T> renderer() {
        return renderer;
    }

    public List<ShrinkPass> shrinkPasses() {
        return shrinkPasses;
    }

    public String describe(T value) {
        return describer.apply(value);
    }

    /** Assembles a property; the terminal methods {@code satisfies}, {@code holds} and {@code check} build it. */
    public static final class Builder<T> {
        private final Gen<T> gen;
        private String name;
        private final List<Classifier<T>> classifiers = new ArrayList<>();
        private final List<Coverage> coverage = new ArrayList<>();
        private FailureRenderer<? super T> renderer;
        private final List<ShrinkPass> shrinkPasses = new ArrayList<>();
        private Function<? super T, String> describer = String::valueOf;

        private Builder(Gen<T> gen) {
            this.gen = Objects.requireNonNull(gen, "gen");
        }

        public Builder<T> named(String propertyName) {
            this.name = propertyName;
            return this;
        }

        /** Labels each try in {@code category} with {@code label.apply(value)} (null: no label). */
        public Builder<T> classify(String category, Function<? super T, ?> label) {
            classifiers.add(new Classifier<>(category, label));
            return this;
        }

        /** Labels each try whose value matches {@code when} with {@code label}. */
        public Builder<T> label(String label, Predicate<? super T> when) {
            return classify(TryContext.DEFAULT_CATEGORY, v -> when.test(v) ? label : null);
        }

        /** At least {@code minPercent} % of valid tries must carry {@code label}, or the property fails. */
        public Builder<T> cover(String label, double minPercent) {
            return cover(TryContext.DEFAULT_CATEGORY, label, minPercent);
        }

        public Builder<T> cover(String category, String label, double minPercent) {
            coverage.add(new Coverage(category, label, minPercent, 0));
            return this;
        }

        /** At least {@code minCount} valid tries must carry {@code label}, or the property fails. */
        public Builder<T> coverCount(String label, int minCount) {
            return coverCount(TryContext.DEFAULT_CATEGORY, label, minCount);
        }

        public Builder<T> coverCount(String category, String label, int minCount) {
            coverage.add(new Coverage(category, label, 0, minCount));
            return this;
        }

        /** Writes the shrunk value as a file on failure and adds its replay command (see {@link FailureRenderer}). */
        public Builder<T> renderWith(FailureRenderer<? super T> failureRenderer) {
            this.renderer = failureRenderer;
            return this;
        }

        /** Adds a domain shrink pass, run after the standard ones. */
        public Builder<T> shrinkWith(ShrinkPass pass) {
            shrinkPasses.add(pass);
            return this;
        }

        /** How values are printed in failure reports (default {@code String.valueOf}). */
        public Builder<T> describeWith(Function<? super T, String> describe) {
            this.describer = describe;
            return this;
        }

        /** The check asserts; returning normally passes. */
        public Property<T> satisfies(Check<? super T> check) {
            return new Property<>(this, (v, ctx) -> check.accept(v));
        }

        /** The predicate must return true. */
        public Property<T> holds(Predicate<? super T> predicate) {
            return new Property<>(this, (v, ctx) -> {
                if (!predicate.test(v)) {
                    throw new AssertionError("property returned false");
                }
            });
        }

        /** The check gets the try's context, for labels, assumptions and notes. */
        public Property<T> check(Body<? super T> check) {
            return new Property<>(this, check::check);
        }
    }
}
