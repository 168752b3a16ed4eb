package xpf.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.ControlFlag;
import xpf.model.scenario.ControlWrite;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.Expectation;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.Invlpg;
import xpf.model.scenario.MachineSpec;
import xpf.model.scenario.MappingSpec;
import xpf.model.scenario.Outcome;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.Scenario;
import xpf.model.scenario.Step;
import xpf.model.scenario.VcpuSpec;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.PageSizes;
import xpf.model.x86.PagingMode;
import xpf.sim.domain.ScenarioError;
import xpf.sim.x86.EntryBits;

/** The interpreter on bare domains: building memory, running steps, expectations, determinism. */
class ScenarioRunnerTest {
    static final long RO_USER = EntryBits.P | EntryBits.US;
    static final long UPPER = EntryBits.P | EntryBits.RW | EntryBits.US;

    static Scenario bare(List<Step> steps) {
        LinkedHashMap<String, Long> frames = new LinkedHashMap<>();
        frames.put("root", 0x1000L);
        frames.put("data", 0x1100L);
        DomainSpec d = new DomainSpec("guest", DomainKind.BARE, null, false, java.util.Set.of(), frames, 8,
                List.of(), List.of(new MappingSpec(0x400000, 0x1100, PageSizes.SIZE_4K, RO_USER, UPPER, 0x1000, "m")),
                List.of(new xpf.model.scenario.MemoryInit(0x1100, 0x10, 8, 0x1122334455667788L)),
                List.of(new VcpuSpec(PagingMode.LONG4, 0x1000L << 12, EnumSet.of(ControlFlag.WP), 0, 0, 3, true, 0,
                        0, 0, 0x202, 0, 0, null)),
                List.of(), List.of(), List.of(), new LinkedHashMap<>());
        return new Scenario(1, "t", "", List.of(), MachineSpec.modernIntel(XenProfile.XEN_4_22), List.of(),
                List.of(d), steps);
    }

    static Step step(xpf.model.scenario.Operation op, Expectation e) {
        return new Step("guest", 0, op, null, e, null, 0);
    }

    static Expectation expect(OutcomeClass c, String... kv) {
        LinkedHashMap<String, String> f = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            f.put(kv[i], kv[i + 1]);
        }
        return new Expectation(c, f);
    }

    @Test
    void readsDataThroughAHelperMappingAndFaultsOnAReadOnlyWrite() {
        ScenarioRunner.Run r = ScenarioRunner.run(bare(List.of(
                step(GuestAccess.read(0x400010), expect(OutcomeClass.OK, "value", "0x1122334455667788")),
                step(GuestAccess.write(0x400010, 1), expect(OutcomeClass.EXCEPTION, "vector", "14",
                        "error_code", "P|W|U", "cr2", "0x400010")))));
        assertThat(r.passed()).as(r.failures().toString()).isTrue();
    }

    @Test
    void aWrongExpectationIsReportedFieldByField() {
        ScenarioRunner.Run r = ScenarioRunner.run(bare(List.of(
                step(GuestAccess.write(0x400010, 1), expect(OutcomeClass.EXCEPTION, "error_code", "P|W",
                        "cr2", "0x400010")),
                step(GuestAccess.read(0x400010), expect(OutcomeClass.FIXED, "fixup", "ptwr")))));
        assertThat(r.passed()).isFalse();
        assertThat(r.steps().get(0).differences()).containsExactly("error_code: expected P|W, got P|W|U");
        assertThat(r.steps().get(1).differences()).singleElement().asString()
                .startsWith("outcome: expected fixed, got ok value=0x1122334455667788");
    }

    @Test
    void staleTlbAfterAHostWriteUntilInvlpg() {
        ScenarioRunner.Run first = ScenarioRunner.run(bare(List.of(step(GuestAccess.read(0x400010), null))));
        assertThat(first.steps().get(0).outcome()).isInstanceOf(Outcome.Completed.class);
        // The helper mapping took spare frames 0x1101 (PDPT), 0x1102 (PD), 0x1103 (PT) in order.
        long ptEntry = (0x1103L << 12) + ((0x400000L >>> 12) & 511) * 8;
        ScenarioRunner.Run r = ScenarioRunner.run(bare(List.of(
                step(GuestAccess.read(0x400010), expect(OutcomeClass.OK)),
                step(new HostWrite(ptEntry, 8, 0), expect(OutcomeClass.OK)),
                step(GuestAccess.read(0x400010), expect(OutcomeClass.OK)),
                step(new Invlpg(0x400010), expect(OutcomeClass.OK)),
                step(GuestAccess.read(0x400010), expect(OutcomeClass.EXCEPTION, "error_code", "U")))));
        assertThat(r.passed()).as(r.failures().toString()).isTrue();
    }

    @Test
    void settingAnUnsupportedControlRaisesGp() {
        ScenarioRunner.Run r = ScenarioRunner.run(bare(List.of(step(
                new ControlWrite(null, EnumSet.of(ControlFlag.PKS), EnumSet.noneOf(ControlFlag.class), null, null),
                expect(OutcomeClass.EXCEPTION, "vector", "13")))));
        assertThat(r.passed()).as(r.failures().toString()).isTrue();
    }

    @Test
    void sameScenarioGivesAByteIdenticalTrace() {
        Scenario s = bare(List.of(step(GuestAccess.read(0x400010), null), step(GuestAccess.write(0x400010, 1), null),
                step(GuestAccess.fetch(0x0000_8000_0000_0000L), null)));
        String a = ScenarioRunner.run(s).trace().render();
        String b = ScenarioRunner.run(s).trace().render();
        assertThat(a).isEqualTo(b).contains("HARDWARE #PF").contains("OUTCOME exception vector=13");
        assertThat(ScenarioRunner.run(s).trace().hash()).isEqualTo(ScenarioRunner.run(s).trace().hash());
    }

    @Test
    void anUnknownDomainInAStepIsAScenarioError() {
        Scenario s = bare(List.of(new Step("nope", 0, GuestAccess.read(0), null, null, null, 0)));
        assertThatThrownBy(() -> ScenarioRunner.run(s)).isInstanceOf(ScenarioError.class)
                .hasMessage("steps[0].domain: no domain named 'nope'");
    }
}
