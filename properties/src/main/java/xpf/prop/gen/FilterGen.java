package xpf.prop.gen;

import java.util.function.Predicate;

import xpf.prop.Choices;
import xpf.prop.Gen;
import xpf.prop.TooManyRejections;

/** Redraws until the predicate holds, a bounded number of times; each attempt is a span the shrinker may drop. */
public final class FilterGen<T> implements Gen<T> {
    public static final int DEFAULT_ATTEMPTS = 100;

    private final Gen<T> inner;
    private final Predicate<? super T> predicate;
    private final int attempts;
    private final String description;

    public FilterGen(Gen<T> inner, Predicate<? super T> predicate, int attempts, String description) {
        this.inner = inner;
        this.predicate = predicate;
        this.attempts = attempts;
        this.description = description;
    }

    @Override
    public T generate(Choices choices) {
        for (int i = 0; i < attempts; i++) {
            choices.startSpan("filter");
            T value = inner.generate(choices);
            choices.endSpan();
            if (predicate.test(value)) {
                return value;
            }
        }
        throw new TooManyRejections("filter " + description + " rejected " + attempts
                + " values in a row: generate valid values directly (map/flatMap) or widen the predicate");
    }

    /** "created at Class.method(File.java:line)": the first stack frame outside {@code api} and this package. */
    public static String callerOf(Class<?> api) {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> !f.getClassName().equals(api.getName())
                        && !f.getClassName().startsWith(FilterGen.class.getPackageName() + ".")
                        && !f.getClassName().equals("xpf.prop.Gens"))
                .findFirst()
                .map(f -> "created at " + f.getClassName() + "." + f.getMethodName()
                        + "(" + f.getFileName() + ":" + f.getLineNumber() + ")")
                .orElse("(unknown origin)"));
    }
}
