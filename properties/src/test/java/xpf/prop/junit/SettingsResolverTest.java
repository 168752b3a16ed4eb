package xpf.prop.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import xpf.prop.Settings;

class SettingsResolverTest {
    private final Map<String, String> props = new HashMap<>();

    /** Annotation holders, never run (static nested classes are not test classes here). */
    static class Fixtures {
        @PropertyTest(tries = 300, seed = "77", timeBudget = "2m", shrinkAttempts = 50, shrinkTime = "5s")
        void annotated() {
        }

        @PropertyTest
        void bare() {
        }
    }

    private static PropertyTest annotation(String method) throws NoSuchMethodException {
        Method m = Fixtures.class.getDeclaredMethod(method);
        return m.getAnnotation(PropertyTest.class);
    }

    private Settings resolve(String method) throws NoSuchMethodException {
        return SettingsResolver.resolve(annotation(method), props::get);
    }

    @Test
    void defaultsWhenNothingIsSet() throws Exception {
        Settings s = resolve("bare");
        assertThat(s.tries()).isEqualTo(100);
        assertThat(s.onlyTry()).isEqualTo(-1);
        assertThat(s.replay()).isNull();
        assertThat(s.timeBudget()).isNull();
        assertThat(s.outputDir()).isEqualTo(Path.of("target", "prop-failures"));
    }

    @Test
    void emptySystemPropertiesMeanUnset() throws Exception {
        for (String k : new String[] {"prop.tries", "prop.seed", "prop.replay", "prop.scale", "prop.try", "xpf.root"}) {
            props.put(k, "");
        }
        Settings s = resolve("annotated");
        assertThat(s.tries()).isEqualTo(300);
        assertThat(s.seed()).isEqualTo(77);
        assertThat(s.replay()).isNull();
        assertThat(s.projectRoot()).isNull();
    }

    @Test
    void theAnnotationWinsOverSystemPropertiesForSeedAndTimeBudget() throws Exception {
        props.put("prop.seed", "5");
        props.put("prop.timeBudget", "1s");
        Settings s = resolve("annotated");
        assertThat(s.seed()).isEqualTo(77);
        assertThat(s.timeBudget()).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.shrink().maxAttempts()).isEqualTo(50);
        assertThat(s.shrink().maxTime()).isEqualTo(Duration.ofSeconds(5));
        Settings bare = resolve("bare");
        assertThat(bare.seed()).isEqualTo(5);
        assertThat(bare.timeBudget()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void propTriesOverridesEveryAnnotationAndScaleMultiplies() throws Exception {
        props.put("prop.tries", "40");
        assertThat(resolve("annotated").tries()).isEqualTo(40);
        props.remove("prop.tries");
        props.put("prop.scale", "10");
        assertThat(resolve("annotated").tries()).isEqualTo(3000);
        assertThat(resolve("bare").tries()).isEqualTo(1000);
        props.put("prop.scale", "0.001");
        assertThat(resolve("bare").tries()).isEqualTo(1);
    }

    @Test
    void replayTryAndRootAreRead() throws Exception {
        props.put("prop.replay", "properties/target/prop-failures/x.json");
        props.put("prop.try", "12");
        props.put("xpf.root", "/repo");
        Settings s = resolve("bare");
        assertThat(s.replay()).isEqualTo(Path.of("properties/target/prop-failures/x.json"));
        assertThat(s.onlyTry()).isEqualTo(12);
        assertThat(s.projectRoot()).isEqualTo(Path.of("/repo"));
    }

    @Test
    void badValuesAreNamedInTheMessage() {
        props.put("prop.tries", "lots");
        assertThatThrownBy(() -> resolve("bare")).hasMessage("prop.tries must be a positive integer, got 'lots'");
        props.put("prop.tries", "0");
        assertThatThrownBy(() -> resolve("bare")).hasMessage("prop.tries must be a positive integer, got '0'");
        props.remove("prop.tries");
        props.put("prop.scale", "-2");
        assertThatThrownBy(() -> resolve("bare")).hasMessage("prop.scale must be a positive number, got '-2'");
        props.remove("prop.scale");
        props.put("prop.timeBudget", "soon");
        assertThatThrownBy(() -> resolve("bare")).hasMessageStartingWith("prop.timeBudget must be a duration");
    }

    @Test
    void durationsInSeveralForms() {
        assertThat(SettingsResolver.duration("250ms", "x")).isEqualTo(Duration.ofMillis(250));
        assertThat(SettingsResolver.duration("30s", "x")).isEqualTo(Duration.ofSeconds(30));
        assertThat(SettingsResolver.duration("2m", "x")).isEqualTo(Duration.ofMinutes(2));
        assertThat(SettingsResolver.duration("1h", "x")).isEqualTo(Duration.ofHours(1));
        assertThat(SettingsResolver.duration("PT5S", "x")).isEqualTo(Duration.ofSeconds(5));
    }
}
