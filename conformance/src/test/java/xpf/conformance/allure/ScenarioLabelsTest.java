package xpf.conformance.allure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HvmPaging;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.XenProfile;

class ScenarioLabelsTest {

    private static String epic(DomainKind k, HvmPaging p) {
        return ScenarioLabels.epic(Runs.scenario("s", k, p, XenProfile.XEN_4_22, List.of(),
                Runs.step(GuestAccess.read(0), null)));
    }

    @Test
    @DisplayName("epic from the domain kind and paging: PV / HVM-SVM / HVM-VMX / HAP / x86")
    void epics() {
        assertThat(epic(DomainKind.PV64, null)).isEqualTo("PV");
        assertThat(epic(DomainKind.PV32, null)).isEqualTo("PV");
        assertThat(epic(DomainKind.HVM_SVM, HvmPaging.SHADOW)).isEqualTo("HVM-SVM");
        assertThat(epic(DomainKind.HVM_VMX, HvmPaging.SHADOW)).isEqualTo("HVM-VMX");
        assertThat(epic(DomainKind.HVM_VMX, HvmPaging.HAP)).isEqualTo("HAP");
        assertThat(epic(DomainKind.HVM_SVM, HvmPaging.HAP)).isEqualTo("HAP");
        assertThat(ScenarioLabels.epic(Runs.passingBare().scenario())).isEqualTo("x86");
    }

    @Test
    @DisplayName("feature = the last decision point of the decisive step that is not plumbing")
    void feature() {
        var pv = Runs.pvPtwr(Runs.expect(OutcomeClass.EMULATED), XenProfile.XEN_4_22);
        assertThat(ScenarioLabels.feature(ScenarioReport.of(pv))).isEqualTo("ptwr_do_page_fault");
        var hvm = Runs.svmInject(Runs.expect(OutcomeClass.INJECTED), HvmPaging.SHADOW);
        assertThat(ScenarioLabels.feature(ScenarioReport.of(hvm))).isEqualTo("hvm_inject_page_fault");
        assertThat(ScenarioLabels.feature(ScenarioReport.of(Runs.passingBare()))).isEqualTo("x86 exception");
    }

    @Test
    @DisplayName("story per rule tag; severity blocker for an unexpected panic, critical for isolation (XSA) scenarios")
    void storiesAndSeverity() {
        var panic = ScenarioReport.of(Runs.pvPanic(Runs.expect(OutcomeClass.DELIVERED), List.of("pv.2.2")));
        assertThat(ScenarioLabels.labels(panic, panic.verdict())).contains(new ScenarioLabels.Label("story", "pv.2.2"),
                new ScenarioLabels.Label("severity", "blocker"), new ScenarioLabels.Label("epic", "PV"),
                new ScenarioLabels.Label(ScenarioLabels.OUTCOME, "panic"));
        var expectedPanic = ScenarioReport.of(Runs.pvPanic(Runs.expect(OutcomeClass.PANIC), List.of("pv.2.2")));
        assertThat(ScenarioLabels.severity(expectedPanic, expectedPanic.verdict())).isEqualTo("normal");
        var xsa = ScenarioReport.of(Runs.pvPanic(Runs.expect(OutcomeClass.PANIC), List.of("xsa-182")));
        assertThat(ScenarioLabels.severity(xsa, xsa.verdict())).isEqualTo("critical");
    }

    @Test
    @DisplayName("links: one per Xen function called, named by its symbol, into the tree at the profile's tag")
    void links() {
        var r = ScenarioReport.of(Runs.pvPtwr(Runs.expect(OutcomeClass.EMULATED), XenProfile.XEN_4_22));
        assertThat(ScenarioLabels.links(r)).extracting(XenSourceLinks.Target::symbol)
                .containsExactly("do_page_fault", "fixup_page_fault", "ptwr_do_page_fault", "x86_emulate");
        assertThat(ScenarioLabels.links(r).get(2).url()).isEqualTo("https://xenbits.xen.org/gitweb/?p=xen.git;a=blob;"
                + "f=xen/arch/x86/pv/ro-page-fault.c;hb=refs/tags/RELEASE-4.22.0");
        var old = ScenarioReport.of(Runs.pvPtwr(Runs.expect(OutcomeClass.EMULATED), XenProfile.XEN_3_1));
        assertThat(ScenarioLabels.links(old).get(2).url()).endsWith("f=xen/arch/x86/mm.c;hb=refs/tags/3.1.0-branched");
        assertThat(XenSourceLinks.target("no_such_function", XenProfile.XEN_4_22).url())
                .isEqualTo("https://elixir.bootlin.com/xen/RELEASE-4.22.0/A/ident/no_such_function");
    }
}
