package xpf.sim.scenario.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import xpf.sim.scenario.ScenarioRunner;

/** docs/scenario-format.md stays true: its complete example runs and passes, and every YAML block in it loads. */
class DocExampleTest {

    static List<String> yamlBlocks() throws IOException {
        String doc = Files.readString(ScenarioSchemaTest.root().resolve("docs/scenario-format.md"));
        Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    @Test
    void theCompleteExampleRunsAndPasses() throws IOException {
        LoadedScenario ls = ScenarioLoader.load("scenario-format.md.yaml", yamlBlocks().get(0));
        ScenarioRunner.Run run = ls.run();
        assertThat(run.passed()).as(run.failures().toString()).isTrue();
        assertThat(run.steps()).allSatisfy(s -> assertThat(s.step().expect()).isNotNull());
    }

    @Test
    void everyYamlBlockLoads() throws IOException {
        List<String> blocks = yamlBlocks();
        assertThat(blocks).hasSizeGreaterThanOrEqualTo(2);
        for (String b : blocks) {
            ScenarioLoader.load("block.yaml", b);
        }
    }
}
