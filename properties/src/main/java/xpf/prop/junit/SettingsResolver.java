package xpf.prop.junit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.UnaryOperator;

import xpf.prop.Choices;
import xpf.prop.Settings;
import xpf.prop.choice.Seeds;
import xpf.prop.shrink.ShrinkBudget;

/**
 * Resolves a property's settings. Layers, highest first:
 * <ol>
 *   <li>the {@link PropertyTest} annotation: what this property needs (a pinned seed, its try count, its time
 *       budget);</li>
 *   <li>system properties {@code prop.seed}, {@code prop.timeBudget}: the run's defaults for every property;</li>
 *   <li>built-in defaults (100 tries, a fresh seed, no time budget).</li>
 * </ol>
 * One deliberate exception: {@code prop.tries} overrides the annotation too, because it is how a run asks for a
 * count (a quick smoke run, a deep run); {@code prop.scale} then multiplies the count every property ends up
 * with, keeping their ratios, which is the better knob for deep runs. The parent POM passes unset properties as
 * empty strings: empty means unset.
 */
public final class SettingsResolver {
    private SettingsResolver() {
    }

    public static Settings resolve(PropertyTest annotation, UnaryOperator<String> systemProperties) {
        int tries = Settings.DEFAULT_TRIES;
        if (annotation != null && annotation.tries() > 0) {
            tries = annotation.tries();
        }
        String triesProp = get(systemProperties, "prop.tries");
        if (triesProp != null) {
            tries = positiveInt(triesProp, "prop.tries");
        }
        String scaleProp = get(systemProperties, "prop.scale");
        if (scaleProp != null) {
            double scale = positiveDouble(scaleProp, "prop.scale");
            tries = (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.round(tries * scale)));
        }

        long seed;
        if (annotation != null && !annotation.seed().isBlank()) {
            seed = Seeds.parse(annotation.seed(), "@PropertyTest(seed)");
        } else if (get(systemProperties, "prop.seed") != null) {
            seed = Seeds.parse(get(systemProperties, "prop.seed"), "prop.seed");
        } else {
            seed = Seeds.fresh();
        }

        long onlyTry = -1;
        String tryProp = get(systemProperties, "prop.try");
        if (tryProp != null) {
            onlyTry = nonNegativeLong(tryProp, "prop.try");
        }

        Duration timeBudget = null;
        if (annotation != null && !annotation.timeBudget().isBlank()) {
            timeBudget = duration(annotation.timeBudget(), "@PropertyTest(timeBudget)");
        } else if (get(systemProperties, "prop.timeBudget") != null) {
            timeBudget = duration(get(systemProperties, "prop.timeBudget"), "prop.timeBudget");
        }

        ShrinkBudget shrink = ShrinkBudget.DEFAULT;
        if (annotation != null && annotation.shrinkAttempts() > 0) {
            shrink = new ShrinkBudget(annotation.shrinkAttempts(), shrink.maxTime());
        }
        if (annotation != null && !annotation.shrinkTime().isBlank()) {
            shrink = new ShrinkBudget(shrink.maxAttempts(), duration(annotation.shrinkTime(), "@PropertyTest(shrinkTime)"));
        }

        String replayProp = get(systemProperties, "prop.replay");
        String rootProp = get(systemProperties, "xpf.root");
        return new Settings(seed, tries, onlyTry, replayProp == null ? null : Path.of(replayProp), timeBudget, shrink,
                Settings.DEFAULT_MAX_DISCARD_RATIO, Choices.DEFAULT_MAX_CHOICES, Path.of("target", "prop-failures"),
                rootProp == null ? null : Path.of(rootProp));
    }

    /** A system property, or null when unset or blank. */
    static String get(UnaryOperator<String> props, String name) {
        String v = props.apply(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    static int positiveInt(String v, String name) {
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(name + " must be a positive integer, got '" + v + "'");
    }

    static long nonNegativeLong(String v, String name) {
        try {
            long n = Long.parseLong(v);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException(name + " must be a non-negative integer, got '" + v + "'");
    }

    static double positiveDouble(String v, String name) {
        try {
            double d = Double.parseDouble(v);
            if (d > 0 && Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException(name + " must be a positive number, got '" + v + "'");
    }

    /** "500ms", "30s", "2m", "1h" or ISO-8601 ("PT30S"). */
    public static Duration duration(String v, String name) {
        String t = v.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("pt")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            switch (t.charAt(t.length() - 1)) {
                case 's':
                    return Duration.ofSeconds(n);
                case 'm':
                    return Duration.ofMinutes(n);
                case 'h':
                    return Duration.ofHours(n);
                default:
                    break;
            }
        } catch (RuntimeException e) {
            // fall through
        }
        throw new IllegalArgumentException(name + " must be a duration like 500ms, 30s, 2m or PT30S, got '" + v + "'");
    }
}
