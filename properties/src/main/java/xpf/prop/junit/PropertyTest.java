package xpf.prop.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One JUnit test per property. The method takes a {@link PropertyCheck} and passes it the property:
 *
 * <pre>{@code
 * @PropertyTest(tries = 500)
 * void sumStaysSmall(PropertyCheck prop) {
 *     prop.check(forAll(lists(ints(0, 1000), 0, 10)).holds(xs -> sum(xs) <= 100));
 * }
 * }</pre>
 *
 * Settings come from this annotation, then system properties, then defaults, except {@code -Dprop.tries}, which
 * overrides every annotation (a run-wide try count); {@code -Dprop.scale} multiplies whatever count results. See
 * {@link SettingsResolver} and docs/property-engine.md.
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Test
@ExtendWith(PropertyExtension.class)
public @interface PropertyTest {
    /** Valid tries wanted; 0 means "not set" (system property {@code prop.tries}, else 100). */
    int tries() default 0;

    /** Pins the master seed (decimal or 0x-hex); empty means "not set" ({@code prop.seed}, else a fresh seed). */
    String seed() default "";

    /** Stops generating after this long, e.g. "30s", "500ms", "2m"; empty: {@code prop.timeBudget}, else none. */
    String timeBudget() default "";

    /** Maximum shrink replays; 0 means the default (20000). */
    int shrinkAttempts() default 0;

    /** Maximum shrink time, e.g. "60s"; empty means the default. */
    String shrinkTime() default "";
}
