package xpf.sim.x86;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks code that implements a rule of ../shared/reference/x86-paging.md, by section, e.g. {@code @Rule("1.1b")}.
 * Tests name the same tags, so a rule, its code and its tests can be found together.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE, ElementType.FIELD})
public @interface Rule {
    /** Section tags, e.g. {"1.1b", "1.1d"}. */
    String[] value();
}
