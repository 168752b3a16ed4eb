package xpf.prop;

/** A property's check: assert on the value (AssertJ, JUnit, plain {@code throw}); returning normally passes. */
@FunctionalInterface
public interface Check<T> {
    void accept(T value) throws Throwable;
}
