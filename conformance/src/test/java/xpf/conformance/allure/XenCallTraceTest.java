package xpf.conformance.allure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.XenProfile;
import xpf.sim.trace.Trace;

class XenCallTraceTest {

    @Test
    @DisplayName("PV ptwr: the steps read like the seed mail, with va and error code symbolic")
    void pvStepsAreTheCallTrace() {
        var run = Runs.pvPtwr(Runs.expect(OutcomeClass.EMULATED, "fixup", "ptwr"), XenProfile.XEN_4_22);
        List<XenCallTrace.CallStep> steps = XenCallTrace.steps(ScenarioReport.of(run));
        assertThat(steps).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("1. access kind=write va=0x3010");
            assertThat(s.status()).isEqualTo(ScenarioVerdict.Kind.PASSED);
            assertThat(s.parameters()).containsEntry("expected", "emulated fixup=ptwr")
                    .containsEntry("actual", "emulated fixup=ptwr");
            assertThat(s.children()).extracting(XenCallTrace.CallStep::name).containsExactly(
                    "#PF va=0x3010 ec=P|W|U", "do_page_fault va=0x3010 ec=P|W|U",
                    "fixup_page_fault: ptwr va=0x3010", "ptwr_do_page_fault: X86EMUL_OKAY va=0x3010",
                    "x86_emulate: OKAY", "outcome: emulated fixup=ptwr");
        });
    }

    @Test
    @DisplayName("the outcome step of a differing step is failed and carries the differences")
    void failingOutcomeStep() {
        var run = Runs.pvPtwr(Runs.expect(OutcomeClass.DELIVERED, "vector", "14"), XenProfile.XEN_4_22);
        XenCallTrace.CallStep step = XenCallTrace.steps(ScenarioReport.of(run)).getFirst();
        assertThat(step.status()).isEqualTo(ScenarioVerdict.Kind.FAILED);
        assertThat(step.message()).isEqualTo("outcome: expected delivered, got emulated fixup=ptwr");
        assertThat(step.children().getLast().status()).isEqualTo(ScenarioVerdict.Kind.FAILED);
        assertThat(step.children().subList(0, step.children().size() - 1))
                .allMatch(c -> c.status() == ScenarioVerdict.Kind.PASSED);
    }

    @Test
    @DisplayName("a real failing run: step 1 passes, step 2 fails on the error code")
    void realRun() {
        var report = ScenarioReport.of(Runs.failingBare());
        List<XenCallTrace.CallStep> steps = XenCallTrace.steps(report);
        assertThat(steps).extracting(XenCallTrace.CallStep::status)
                .containsExactly(ScenarioVerdict.Kind.PASSED, ScenarioVerdict.Kind.FAILED);
        assertThat(steps.get(1).children()).extracting(XenCallTrace.CallStep::name)
                .anyMatch(n -> n.startsWith("#PF")).contains("outcome: exception vector=14 error_code=P|W|U cr2=0x400010");
        ScenarioVerdict v = report.verdict();
        assertThat(v.kind()).isEqualTo(ScenarioVerdict.Kind.FAILED);
        assertThat(v.message()).isEqualTo("Xen semantics violated: step 2 (access va=0x400010 kind=write cpl=3 "
                + "size=8): error_code: expected P|W, got P|W|U");
    }

    @Test
    @DisplayName("a broken run shows what its partial trace recorded; the last step is broken")
    void partialTrace() {
        Trace t = new Trace();
        t.beginStep(0);
        t.op("access", "va", 0x1000L);
        t.beginStep(1);
        t.op("hypercall", "call", "mmu_update");
        t.call("do_mmu_update", "count", 1);
        var r = ScenarioReport.broken(Runs.passingBare().scenario(), new IllegalStateException("boom"), t);
        List<XenCallTrace.CallStep> steps = XenCallTrace.steps(r);
        assertThat(steps).extracting(XenCallTrace.CallStep::name)
                .containsExactly("1. access va=0x1000", "2. hypercall call=mmu_update");
        assertThat(steps.get(1).status()).isEqualTo(ScenarioVerdict.Kind.BROKEN);
        assertThat(steps.get(1).message()).isEqualTo("boom");
        assertThat(r.verdict().kind()).isEqualTo(ScenarioVerdict.Kind.BROKEN);
        assertThat(r.verdict().message()).isEqualTo("harness or scenario error: boom");
    }

    @Test
    @DisplayName("a disagreeing reference answer fails the verdict and names the rule")
    void referenceDisagreement() {
        var run = Runs.passingBare();
        var r = ScenarioReport.of(run).withReference(List.of(new ReferenceAnswer(0, "delivered vector=14",
                run.steps().get(0).outcome().summary(), "1.1g")));
        assertThat(r.verdict().kind()).isEqualTo(ScenarioVerdict.Kind.FAILED);
        assertThat(r.verdict().message()).contains("reference model (1.1g) expects delivered vector=14");
        assertThat(ScenarioReport.skipped(run.scenario(), "needs AMD").verdict().kind())
                .isEqualTo(ScenarioVerdict.Kind.SKIPPED);
    }
}
