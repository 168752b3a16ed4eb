package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.OutcomeFields;
import xpf.model.scenario.Scenario;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.scenario.load.ScenarioLoader;

/**
 * The scenarios that need domain {@code params} on a PV domain (log-dirty, read-only MMIO, event callback, upcall
 * mask), which the loader does not accept yet (docs/pv-path.md §1): each file is loaded without its {@code params}
 * line, the params are put back into the domain spec, and every expectation must hold. When the loader accepts PV
 * params these files move to conformance/scenarios.
 */
class NeedsPvParamsScenariosTest {
    static final Pattern PARAMS = Pattern.compile("(?m)^    params: \\{(.*)}\\n");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pv-bounce-frame-upcall-mask.yaml", "pv-events-pending.yaml",
        "pv-log-dirty-paging-fixup.yaml", "pv-mmio-ro-emulated.yaml", "pv-mmio-ro-xen31.yaml", "xsa-339-events.yaml"})
    void meetsItsExpectations(String file) throws IOException {
        String yaml;
        try (InputStream in = getClass().getResourceAsStream("needs-pv-params/" + file)) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher m = PARAMS.matcher(yaml);
        assertThat(m.find()).as("%s has a params line", file).isTrue();
        LinkedHashMap<String, Long> params = new LinkedHashMap<>();
        for (String kv : m.group(1).split(",")) {
            String[] p = kv.split(":", 2);
            params.put(p[0].trim(), OutcomeFields.parseNumber(p[1].trim().replace("\"", "")));
        }
        Scenario s = ScenarioLoader.load(file, m.replaceFirst("")).scenario();
        List<DomainSpec> doms = new ArrayList<>(s.domains());
        DomainSpec g = doms.get(0);
        doms.set(0, new DomainSpec(g.name(), g.kind(), g.paging(), g.hardwareDomain(), g.vmAssist(), g.frames(),
                g.spareFrames(), g.pageTables(), g.mappings(), g.memory(), g.vcpus(), g.trapTable(), g.p2m(),
                g.devices(), params));
        Scenario withParams = new Scenario(s.version(), s.name(), s.description(), s.tags(), s.machine(), s.bugs(),
                doms, s.steps());
        ScenarioRunner.Run run = ScenarioRunner.run(withParams);
        assertThat(run.failures()).as(file).isEmpty();
        assertThat(s.steps()).anyMatch(st -> st.expect() != null);
    }
}
