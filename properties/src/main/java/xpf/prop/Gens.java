package xpf.prop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

import xpf.prop.gen.BitMaskGen;
import xpf.prop.gen.FrequencyGen;
import xpf.prop.gen.IntGen;
import xpf.prop.gen.LongGen;
import xpf.prop.gen.LongRange;
import xpf.prop.gen.OneOfGen;
import xpf.prop.gen.RecordGen;
import xpf.prop.gen.Swarm;
import xpf.prop.gen.Tuple2;
import xpf.prop.gen.Tuple3;
import xpf.prop.gen.Tuple4;

/** The generator library. Static-import it: {@code lists(ints(0, 9), 0, 5)}. */
public final class Gens {
    private Gens() {
    }

    // ---- numbers ---------------------------------------------------------------------------------------------

    /** Ints in {@code [min, max]}, biased to edge cases; shrink towards 0 (or the bound nearest it). */
    public static Gen<Integer> ints(int min, int max) {
        return new IntGen(min, max);
    }

    public static Gen<Integer> ints() {
        return new IntGen(Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    public static Gen<Long> longs(long min, long max) {
        return new LongGen(min, max);
    }

    public static Gen<Long> longs() {
        return new LongGen(Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** A probability in {@code [0, 1]} in steps of 1/1000; shrinks towards 0. For per-try knobs. */
    public static Gen<Double> probabilities() {
        LongRange r = new LongRange(0, 1000);
        long[] edges = {0, 1, 10, 100, 500, 1000};
        return c -> c.choose(r.maxChoice(), edges) / 1000.0;
    }

    // ---- booleans and constants --------------------------------------------------------------------------------

    public static Gen<Boolean> booleans() {
        return booleans(0.5);
    }

    /** {@code true} with probability {@code p}; shrinks towards {@code false}. */
    public static Gen<Boolean> booleans(double p) {
        if (p < 0 || p > 1) {
            throw new IllegalArgumentException("probability must be in [0, 1], got " + p);
        }
        return c -> c.coin(p);
    }

    /** Always {@code value}; draws nothing. */
    public static <T> Gen<T> constant(T value) {
        return c -> value;
    }

    // ---- choices among values and generators --------------------------------------------------------------------

    /** One of the values, uniformly; shrinks towards the first. */
    @SafeVarargs
    public static <T> Gen<T> elements(T... values) {
        List<T> copy = new ArrayList<>(values.length);
        for (T v : values) {
            copy.add(v);
        }
        return elements(copy);
    }

    public static <T> Gen<T> elements(List<? extends T> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("elements needs at least one value");
        }
        List<? extends T> copy = List.copyOf(values);
        return c -> copy.get(c.index(copy.size()));
    }

    /** One of the generators, uniformly; shrinks towards the first. */
    @SafeVarargs
    public static <T> Gen<T> oneOf(Gen<? extends T>... gens) {
        // copied element by element: the generic varargs array itself never escapes
        List<Gen<? extends T>> copy = new ArrayList<>(gens.length);
        for (Gen<? extends T> g : gens) {
            copy.add(g);
        }
        return new OneOfGen<>(copy);
    }

    public static <T> Gen<T> oneOf(List<Gen<? extends T>> gens) {
        return new OneOfGen<>(gens);
    }

    /** Starts a weighted choice: {@code frequency(5, small).or(1, large)}. */
    public static <T> Frequency<T> frequency(int weight, Gen<? extends T> gen) {
        return new Frequency<T>(List.of()).or(weight, gen);
    }

    /** A weighted choice being assembled; it is itself a generator. */
    public static final class Frequency<T> implements Gen<T> {
        private final List<FrequencyGen.Weighted<T>> alternatives;
        private final FrequencyGen<T> gen;

        private Frequency(List<FrequencyGen.Weighted<T>> alternatives) {
            this.alternatives = alternatives;
            this.gen = alternatives.isEmpty() ? null : new FrequencyGen<>(alternatives);
        }

        public Frequency<T> or(int weight, Gen<? extends T> g) {
            List<FrequencyGen.Weighted<T>> next = new ArrayList<>(alternatives);
            next.add(new FrequencyGen.Weighted<>(weight, g));
            return new Frequency<>(List.copyOf(next));
        }

        @Override
        public T generate(Choices choices) {
            return gen.generate(choices);
        }
    }

    // ---- collections ----------------------------------------------------------------------------------------------

    public static <T> Gen<List<T>> lists(Gen<T> element, int minSize, int maxSize) {
        return element.list(minSize, maxSize);
    }

    public static <T> Gen<java.util.Set<T>> sets(Gen<T> element, int minSize, int maxSize) {
        return element.set(minSize, maxSize);
    }

    /** Maps with distinct keys, insertion-ordered (a {@link LinkedHashMap}), so iteration never depends on hashing. */
    public static <K, V> Gen<Map<K, V>> maps(Gen<K> keys, Gen<V> values, int minSize, int maxSize) {
        Gen<java.util.Set<K>> keySets = keys.set(minSize, maxSize);
        return c -> {
            Map<K, V> out = new LinkedHashMap<>();
            for (K k : keySets.generate(c)) {
                out.put(k, values.generate(c));
            }
            return out;
        };
    }

    // ---- products --------------------------------------------------------------------------------------------------

    public static <A, B> Gen<Tuple2<A, B>> tuple(Gen<A> a, Gen<B> b) {
        return c -> new Tuple2<>(a.generate(c), b.generate(c));
    }

    public static <A, B, C> Gen<Tuple3<A, B, C>> tuple(Gen<A> a, Gen<B> b, Gen<C> cc) {
        return c -> new Tuple3<>(a.generate(c), b.generate(c), cc.generate(c));
    }

    public static <A, B, C, D> Gen<Tuple4<A, B, C, D>> tuple(Gen<A> a, Gen<B> b, Gen<C> cc, Gen<D> d) {
        return c -> new Tuple4<>(a.generate(c), b.generate(c), cc.generate(c), d.generate(c));
    }

    public static <A, B, R> Gen<R> combine(Gen<A> a, Gen<B> b, BiFunction<? super A, ? super B, ? extends R> f) {
        return c -> f.apply(a.generate(c), b.generate(c));
    }

    /**
     * Records by reflection on the canonical constructor, one generator per component in declaration order. For
     * the hot path a lambda ({@code c -> new R(c.draw(a), ...)}) is faster; this is the short form.
     */
    public static <R extends Record> Gen<R> record(Class<R> type, Gen<?>... components) {
        return new RecordGen<>(type, List.of(components));
    }

    // ---- structure --------------------------------------------------------------------------------------------------

    /**
     * Recursive values of bounded depth: at each level a coin chooses between {@code base} (the simplest, so
     * shrinking goes there) and {@code extend} applied to the next level down.
     */
    public static <T> Gen<T> recursive(Gen<T> base, Function<Gen<T>, Gen<T>> extend, int maxDepth) {
        if (maxDepth < 0) {
            throw new IllegalArgumentException("maxDepth must be >= 0");
        }
        Gen<T> level = base;
        for (int d = 0; d < maxDepth; d++) {
            Gen<T> deeper = extend.apply(level);
            level = c -> {
                c.startSpan("recursive");
                T v = c.coin(0.5) ? deeper.generate(c) : base.generate(c);
                c.endSpan();
                return v;
            };
        }
        return level;
    }

    /** Defers building a generator, for self-reference; the try's choice limit bounds runaway recursion. */
    public static <T> Gen<T> lazy(Supplier<Gen<T>> supplier) {
        Objects.requireNonNull(supplier);
        return new Gen<>() {
            private volatile Gen<T> gen;

            @Override
            public T generate(Choices choices) {
                Gen<T> g = gen;
                if (g == null) {
                    gen = g = supplier.get();
                }
                return g.generate(choices);
            }
        };
    }

    /** Bit masks from named groups of bits (page-table entries): see {@link BitMaskGen}. */
    public static BitMaskGen.Builder bitMask() {
        return BitMaskGen.builder();
    }

    /**
     * Per-try knob probabilities for swarm testing: each knob's probability is one of 0, 0.1, ..., 1 (edge cases
     * 0, 0.1, 0.5, 1), drawn from the choices so it shrinks towards "off" and replays.
     */
    public static Gen<Swarm> swarm(String... knobs) {
        List<String> names = List.of(knobs);
        long[] edges = {0, 1, 5, 10};
        return c -> {
            c.startSpan("swarm");
            Map<String, Double> p = new LinkedHashMap<>();
            for (String k : names) {
                p.put(k, c.choose(10, edges) / 10.0);
            }
            c.endSpan();
            return new Swarm(p);
        };
    }

    /** Strings over an alphabet, e.g. {@code strings("abc", 0, 8)}; shrink to shorter strings of earlier letters. */
    public static Gen<String> strings(String alphabet, int minLength, int maxLength) {
        if (alphabet.isEmpty()) {
            throw new IllegalArgumentException("empty alphabet");
        }
        Gen<List<Integer>> codes = ints(0, alphabet.length() - 1).list(minLength, maxLength);
        return codes.map(cs -> {
            StringBuilder sb = new StringBuilder(cs.size());
            for (int i : cs) {
                sb.append(alphabet.charAt(i));
            }
            return sb.toString();
        });
    }
}
