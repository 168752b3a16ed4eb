package xpf.prop.shrink;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import xpf.prop.choice.Span;

/**
 * The standard passes, cheapest and most effective first: delete whole values, delete runs of choices, zero whole
 * values, lower tied numbers together, lower single numbers, move amount from one number to a later one, and put
 * sibling values in order.
 */
public final class Passes {
    private Passes() {
    }

    public static List<ShrinkPass> standard() {
        return List.of(DELETE_SPANS, DELETE_CHUNKS, ZERO_SPANS, MINIMIZE_DUPLICATES, MINIMIZE_VALUES, REDISTRIBUTE,
                SWAP_SIBLINGS);
    }

    /** Removes the choices of one value (a list element, a stateful step): the list gets shorter. */
    public static final ShrinkPass DELETE_SPANS = pass("delete spans", state -> {
        int i = 0;
        while (!state.exhausted() && i < state.spans().size()) {
            Span s = state.spans().get(i);
            if (s.length() > 0 && s.end() <= state.best().length()
                    && state.consider(Edits.delete(state.bestArray(), s.start(), s.end()))) {
                continue; // the span list changed; index i now holds the next candidate
            }
            i++;
        }
    });

    /** Removes runs of 8, 4, 2, 1 consecutive choices, from the end, for structure the spans do not show. */
    public static final ShrinkPass DELETE_CHUNKS = pass("delete chunks", state -> {
        for (int k = 8; k >= 1 && !state.exhausted(); k /= 2) {
            for (int i = state.best().length() - k; i >= 0 && !state.exhausted(); i--) {
                if (i + k <= state.best().length()) {
                    state.consider(Edits.delete(state.bestArray(), i, i + k));
                }
            }
        }
    });

    /** Replaces a whole value by its simplest form. */
    public static final ShrinkPass ZERO_SPANS = pass("zero spans", state -> {
        for (int i = 0; i < state.spans().size() && !state.exhausted(); i++) {
            Span s = state.spans().get(i);
            if (s.end() <= state.best().length() && !allZero(state.bestArray(), s.start(), s.end())) {
                state.consider(Edits.zero(state.bestArray(), s.start(), s.end()));
            }
        }
    });

    /** Lowers all copies of a repeated number together (keys that must stay equal, e.g. put(k) then get(k)). */
    public static final ShrinkPass MINIMIZE_DUPLICATES = pass("minimize duplicates", state -> {
        TreeMap<Long, List<Integer>> byValue = new TreeMap<>(Long::compareUnsigned);
        long[] best = state.bestArray();
        for (int i = 0; i < best.length; i++) {
            if (best[i] != 0) {
                byValue.computeIfAbsent(best[i], k -> new ArrayList<>()).add(i);
            }
        }
        for (var e : byValue.entrySet()) {
            if (e.getValue().size() < 2 || state.exhausted()) {
                continue;
            }
            int[] at = e.getValue().stream().mapToInt(Integer::intValue).toArray();
            Minimizer.minimize(state,
                    () -> sameEverywhere(state.bestArray(), at),
                    v -> {
                        long[] b = state.bestArray();
                        if (at[at.length - 1] >= b.length) {
                            return null;
                        }
                        for (int i : at) {
                            b[i] = v;
                        }
                        return b;
                    });
        }
    });

    /** Lowers each number on its own: 0 first, then binary searches, then probes just below. */
    public static final ShrinkPass MINIMIZE_VALUES = pass("minimize values", state -> {
        for (int i = 0; i < state.best().length() && !state.exhausted(); i++) {
            int at = i;
            Minimizer.minimize(state,
                    () -> at < state.best().length() ? state.best().get(at) : 0,
                    v -> at < state.best().length() ? Edits.set(state.bestArray(), at, v) : null);
        }
    });

    /** Moves the whole of a number onto a later one nearby ([51, 50] with sum > 100 becomes [0, 101]). */
    public static final ShrinkPass REDISTRIBUTE = pass("redistribute", state -> {
        final int window = 16;
        for (int i = 0; i < state.best().length() && !state.exhausted(); i++) {
            for (int j = i + 1; j < Math.min(state.best().length(), i + 1 + window) && !state.exhausted(); j++) {
                long[] b = state.bestArray();
                long sum = b[i] + b[j];
                if (b[i] == 0 || Long.compareUnsigned(sum, b[j]) < 0) {
                    continue; // nothing to move, or unsigned overflow
                }
                b[j] = sum;
                b[i] = 0;
                state.consider(b);
            }
        }
    });

    /** Puts adjacent sibling values with the same label in order (reorders list elements and stateful steps). */
    public static final ShrinkPass SWAP_SIBLINGS = pass("swap siblings", state -> {
        for (int i = 0; i < state.spans().size() && !state.exhausted(); i++) {
            List<Span> spans = state.spans();
            Span a = spans.get(i);
            Span b = nextSibling(spans, i);
            if (b != null && b.end() <= state.best().length() && a.length() > 0 && b.length() > 0) {
                state.consider(Edits.swap(state.bestArray(), a.start(), a.end(), b.start(), b.end()));
            }
        }
    });

    private static Span nextSibling(List<Span> spans, int i) {
        Span a = spans.get(i);
        for (int j = i + 1; j < spans.size(); j++) {
            Span b = spans.get(j);
            if (b.parent() == a.parent() && b.start() >= a.end()) {
                return b.label().equals(a.label()) ? b : null;
            }
        }
        return null;
    }

    private static long sameEverywhere(long[] b, int[] at) {
        if (at[at.length - 1] >= b.length) {
            return 0;
        }
        long v = b[at[0]];
        for (int i : at) {
            if (b[i] != v) {
                return 0; // the copies diverged: stop treating them as tied
            }
        }
        return v;
    }

    private static boolean allZero(long[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** A named pass from a lambda, for domain passes too. */
    public static ShrinkPass pass(String name, java.util.function.Consumer<ShrinkState> body) {
        return new ShrinkPass() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void run(ShrinkState state) {
                body.accept(state);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /** A domain pass: tries zeroing every span labelled {@code label} at once, then each one alone. */
    public static ShrinkPass zeroLabelled(String label) {
        return pass("zero '" + label + "' spans", state -> {
            long[] all = state.bestArray();
            boolean any = false;
            for (Span s : state.spans()) {
                if (s.label().equals(label) && s.end() <= all.length) {
                    java.util.Arrays.fill(all, s.start(), s.end(), 0L);
                    any = true;
                }
            }
            if (any) {
                state.consider(all);
            }
            for (int i = 0; i < state.spans().size() && !state.exhausted(); i++) {
                Span s = state.spans().get(i);
                if (s.label().equals(label) && s.end() <= state.best().length()) {
                    state.consider(Edits.zero(state.bestArray(), s.start(), s.end()));
                }
            }
        });
    }

    /** A domain pass: tries deleting every span labelled {@code label}, one at a time from the last. */
    public static ShrinkPass deleteLabelled(String label) {
        return pass("delete '" + label + "' spans", state -> {
            for (int i = state.spans().size() - 1; i >= 0 && !state.exhausted(); i--) {
                if (i >= state.spans().size()) {
                    continue;
                }
                Span s = state.spans().get(i);
                if (s.label().equals(label) && s.end() <= state.best().length()) {
                    state.consider(Edits.delete(state.bestArray(), s.start(), s.end()));
                }
            }
        });
    }
}
