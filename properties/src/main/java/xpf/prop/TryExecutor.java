package xpf.prop;

import xpf.prop.choice.ChoiceSource;
import xpf.prop.choice.Overrun;

/** Runs one try: draw the value, classify it, check it. Reused across tries (no allocation on the hot path). */
final class TryExecutor<T> {
    static final int PASS = 0;
    static final int REJECT = 1;
    static final int FAIL = 2;

    private final Property<T> property;
    private final Choices choices;
    private final TryContext context;

    private T value;
    private boolean generated;
    private Throwable failure;
    private String rejection;

    TryExecutor(Property<T> property, Choices choices, TryContext context) {
        this.property = property;
        this.choices = choices;
        this.context = context;
    }

    int execute(ChoiceSource source) {
        choices.reset(source);
        context.reset();
        value = null;
        generated = false;
        failure = null;
        try {
            value = property.gen().generate(choices);
            generated = true;
            for (Property.Classifier<T> c : property.classifiers()) {
                Object label = c.label().apply(value);
                if (label != null) {
                    context.label(c.category(), label);
                }
            }
            property.body().check(value, context);
            return PASS;
        } catch (Discard | TooManyRejections | Overrun e) {
            rejection = e.getMessage();
            return REJECT;
        } catch (OutOfMemoryError e) {
            throw e;
        } catch (Throwable t) {
            failure = t;
            return FAIL;
        }
    }

    Choices choices() {
        return choices;
    }

    TryContext context() {
        return context;
    }

    /** The value of the last try; meaningful only if {@link #generated()}. */
    T value() {
        return value;
    }

    boolean generated() {
        return generated;
    }

    Throwable failure() {
        return failure;
    }

    String rejection() {
        return rejection;
    }

    String describeValue() {
        if (!generated) {
            return "(the generator threw before producing a value)";
        }
        try {
            return property.describe(value);
        } catch (RuntimeException e) {
            return "(describing the value threw " + e + ")";
        }
    }
}
