package xpf.prop;

/** A property's check with access to the try: labels, assumptions, notes. Throw (any throwable) to fail. */
@FunctionalInterface
public interface Body<T> {
    void check(T value, TryContext context) throws Throwable;
}
