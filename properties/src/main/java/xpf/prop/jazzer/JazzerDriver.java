package xpf.prop.jazzer;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;

import xpf.prop.Property;
import xpf.prop.PropertyFailure;
import xpf.prop.PropertyResult;
import xpf.prop.PropertyRunner;
import xpf.prop.Settings;
import xpf.prop.junit.SettingsResolver;

/**
 * Runs any property as a Jazzer fuzz target: the fuzzer's bytes become the choices, so coverage guidance explores
 * the generator's decisions. A failure is shrunk by the engine, saved as a choice file and thrown with the usual
 * report; Jazzer also keeps its crash input.
 *
 * <pre>{@code
 * @FuzzTest
 * void sumFuzz(FuzzedDataProvider data) {
 *     JazzerDriver.fuzz(SUM_PROPERTY, data);
 * }
 * }</pre>
 *
 * In regression mode (plain {@code mvn verify}) Jazzer replays the stored inputs; {@code JAZZER_FUZZ=1} fuzzes.
 * With {@code -Dprop.replay=<choice file>} for this test the driver replays that file instead of the bytes.
 */
public final class JazzerDriver {
    private JazzerDriver() {
    }

    /** Fuzzes under the calling test's id ({@code pkg.Class#method}). */
    public static <T> void fuzz(Property<T> property, FuzzedDataProvider data) {
        fuzz(callerId(), property, data);
    }

    public static <T> void fuzz(String id, Property<T> property, FuzzedDataProvider data) {
        Settings settings = SettingsResolver.resolve(null, System::getProperty);
        PropertyResult<T> r = PropertyRunner.replays(id, settings)
                ? PropertyRunner.run(id, property, settings)
                : PropertyRunner.runOnce(id, property, settings, new FuzzSource(data));
        if (r.failed()) {
            throw new PropertyFailure(r);
        }
    }

    /** The test method that called: the first frame outside the driver, skipping lambdas of that class. */
    private static String callerId() {
        return StackWalker.getInstance().walk(frames -> {
            var outside = frames.filter(f -> !f.getClassName().equals(JazzerDriver.class.getName())).toList();
            if (outside.isEmpty()) {
                return "unknown#fuzz";
            }
            String cls = outside.get(0).getClassName();
            return outside.stream()
                    .filter(f -> f.getClassName().equals(cls) && !f.getMethodName().startsWith("lambda$"))
                    .findFirst().orElse(outside.get(0))
                    .getMethodName().transform(m -> cls + "#" + m);
        });
    }
}
