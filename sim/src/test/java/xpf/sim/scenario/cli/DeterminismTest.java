package xpf.sim.scenario.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import xpf.sim.scenario.load.LoadedScenario;
import xpf.sim.scenario.load.ScenarioLoader;

/** Same file, same trace, byte for byte: loads and runs repeated in one JVM, and the commands' output. */
class DeterminismTest {

    @Test
    void sameFileGivesAByteIdenticalTrace() {
        List<Path> files = ScenarioFiles.expand(List.of("../conformance/scenarios/examples"), "test");
        assertThat(files).isNotEmpty();
        for (Path p : files) {
            LoadedScenario a = ScenarioLoader.load(p);
            LoadedScenario b = ScenarioLoader.load(p);
            String first = a.run().trace().render();
            assertThat(first).as(p.toString()).isNotEmpty();
            // a second run of the same loaded scenario, and a run of a fresh load, give the same bytes
            assertThat(a.run().trace().render()).as(p.toString()).isEqualTo(first);
            assertThat(b.run().trace().render()).as(p.toString()).isEqualTo(first);
            assertThat(b.run().trace().hash()).isEqualTo(a.run().trace().hash());
        }
    }

    @Test
    void commandOutputIsStable() {
        String file = "../conformance/scenarios/examples/bare-rights.yaml";
        for (String[] args : List.of(new String[] {"run", file}, new String[] {"run", "--json", file},
                new String[] {"explain", file}, new String[] {"explain", "--trace", file})) {
            Cli one = Cli.run(args);
            assertThat(one.exit()).isZero();
            assertThat(Cli.run(args).out()).as(String.join(" ", args)).isEqualTo(one.out());
        }
        assertThat(Cli.run("explain", "--trace", file).out()).contains("[6] HARDWARE #PF");
    }
}
