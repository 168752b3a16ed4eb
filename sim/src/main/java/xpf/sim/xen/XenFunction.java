package xpf.sim.xen;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method (or class) that mirrors one of Xen's decision points, and records which C function it follows,
 * in which file and Xen version. Reports and {@code xpf explain} read it to show each step as a Xen call trace, so
 * a reader who knows Xen can map every step (../shared/reference/practices-and-style.md §4).
 *
 * <p>Example: {@code @XenFunction(symbol = "fixup_page_fault", file = "xen/arch/x86/traps.c", version = "4.22")}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE, ElementType.CONSTRUCTOR})
public @interface XenFunction {
    /** The C symbol, e.g. {@code do_page_fault}. */
    String symbol();

    /** Repository-relative source file in the version named. */
    String file();

    /** The Xen version followed: {@code 4.22} (current), {@code 3.1} (the seed's era), or both ("3.1, 4.22"). */
    String version();

    /** Earlier names of the same decision point, e.g. {@code propagate_page_fault} for pv_inject_page_fault. */
    String[] formerly() default {};
}
