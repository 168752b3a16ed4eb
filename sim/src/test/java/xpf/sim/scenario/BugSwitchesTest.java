package xpf.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.sim.scenario.load.ScenarioLoadException;
import xpf.sim.scenario.load.ScenarioLoader;
import xpf.sim.xen.BugSwitch;
import xpf.sim.xen.hvm.HvmBug;
import xpf.sim.xen.pv.PvBug;

/** The catalogue of bug switches (docs/bug-switches.md) and the loader's check of a scenario's {@code bugs:}. */
class BugSwitchesTest {

    static Path root() {
        String r = System.getProperty("xpf.root");
        return r == null || r.isBlank() || r.startsWith("$") ? Path.of("..") : Path.of(r);
    }

    @Test
    @DisplayName("the catalogue lists every PV and every HVM switch once, PV first, each fully described")
    void catalogueIsBothPaths() {
        List<BugSwitch> expected = new ArrayList<>(Arrays.asList(PvBug.values()));
        expected.addAll(Arrays.asList(HvmBug.values()));
        assertThat(BugSwitches.all()).containsExactlyElementsOf(expected);
        assertThat(BugSwitches.ids()).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(15);
        assertThat(BugSwitches.all()).allSatisfy(b -> {
            assertThat(b.id()).matches("[a-z0-9]+(-[a-z0-9]+)*");
            assertThat(b.description()).isNotBlank();
            assertThat(b.source()).isNotBlank();
            assertThat(b.where()).isNotBlank();
            assertThat(b.path()).isIn("PV", "HVM");
        });
        assertThat(BugSwitches.fromWire("xsa-148")).isEqualTo(PvBug.XSA_148);
        assertThat(BugSwitches.byId("no-df-combine")).contains(HvmBug.NO_DF_COMBINE);
        assertThatThrownBy(() -> BugSwitches.fromWire("xsa-999")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown bug switch 'xsa-999' (expected xsa-148, ");
    }

    @Test
    @DisplayName("the JSON Schema's bugs enum is exactly the catalogue")
    void schemaEnumIsTheCatalogue() throws IOException {
        JsonNode schema = new ObjectMapper().readTree(Files.readString(root().resolve("docs/scenario.schema.json")));
        JsonNode items = schema.at("/properties/bugs/items/enum");
        assertThat(items.isArray()).as("docs/scenario.schema.json properties.bugs.items.enum").isTrue();
        List<String> ids = new ArrayList<>();
        items.forEach(n -> ids.add(n.asText()));
        assertThat(ids).as("docs/scenario.schema.json bugs enum (update it from BugSwitches.ids())")
                .containsExactlyElementsOf(BugSwitches.ids());
    }

    @Test
    @DisplayName("the loader accepts every catalogued switch and rejects an unknown one at its position")
    void loaderChecksBugs() {
        String base = "version: 1\nbugs: [%s]\ndomains: [{kind: bare, frames: {l4: 0x1000}, vcpus: [{cr3: l4}]}]\n"
                + "steps: [{op: invlpg, va: 0}]\n";
        assertThat(ScenarioLoader.parse(base.formatted(String.join(", ", BugSwitches.ids()))).bugs())
                .containsExactlyElementsOf(BugSwitches.ids());
        assertThatThrownBy(() -> ScenarioLoader.load("x.yaml", base.formatted("xsa-182, xsa-18")))
                .isInstanceOf(ScenarioLoadException.class)
                .hasMessageStartingWith("x.yaml:2:17: bugs[1]: unknown bug switch 'xsa-18' (expected xsa-148, ");
        assertThatThrownBy(() -> ScenarioLoader.load("x.yaml", base.formatted("xsa-182, xsa-182")))
                .isInstanceOf(ScenarioLoadException.class).hasMessageContaining("listed twice");
    }
}
