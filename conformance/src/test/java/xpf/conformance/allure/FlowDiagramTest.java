package xpf.conformance.allure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import xpf.model.scenario.HvmPaging;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.XenProfile;

class FlowDiagramTest {

    /** Node ids with a given class, parsed from the SVG (so the SVG must also be well-formed XML). */
    static List<String> nodes(String svg, String cls) throws Exception {
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
        NodeList gs = doc.getElementsByTagName("g");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < gs.getLength(); i++) {
            Element g = (Element) gs.item(i);
            if ((" " + g.getAttribute("class") + " ").contains(" " + cls + " ")) {
                out.add(g.getAttribute("id").substring(2));
            }
        }
        return out;
    }

    @Test
    @DisplayName("PV ptwr: #PF → entry → do_page_fault → fixup_page_fault → ptwr → fixed is lit, forwarding is not")
    void pvPath() throws Exception {
        String svg = FlowDiagram.svg(ScenarioReport.of(Runs.pvPtwr(Runs.expect(OutcomeClass.EMULATED, "fixup",
                "ptwr"), XenProfile.XEN_4_22)));
        assertThat(svg).contains("Xen PV page fault");
        assertThat(nodes(svg, "lit")).containsExactly("pf", "entry", "dpf", "fixup", "ptwr", "fixed");
        assertThat(nodes(svg, "failed")).isEmpty();
    }

    @Test
    @DisplayName("a PV step that should have been forwarded: the emulation is red, the guest handler dashed as expected")
    void pvFailureShowsBothPaths() throws Exception {
        String svg = FlowDiagram.svg(ScenarioReport.of(Runs.pvPtwr(Runs.expect(OutcomeClass.DELIVERED, "vector",
                "14"), XenProfile.XEN_4_22)));
        assertThat(nodes(svg, "failed")).containsExactly("fixed");
        assertThat(nodes(svg, "expected")).containsExactly("handler");
    }

    @Test
    @DisplayName("HVM SVM: #VMEXIT 0x4E → svm_vmexit_handler → paging_fault → sh_page_fault → inject → VMRUN")
    void hvmPath() throws Exception {
        String svg = FlowDiagram.svg(ScenarioReport.of(Runs.svmInject(Runs.expect(OutcomeClass.INJECTED,
                "error_code", "P|W|U"), HvmPaging.SHADOW)));
        assertThat(svg).contains("#VMEXIT 0x4E").contains("VMRUN");
        assertThat(nodes(svg, "lit")).containsExactly("exit", "handler", "paging", "sh", "inject", "deliver");
        assertThat(nodes(svg, "failed")).containsExactly("inject", "deliver");
    }

    @Test
    @DisplayName("HAP and bare x86 get their own flows")
    void otherFlows() throws Exception {
        String hap = FlowDiagram.svg(ScenarioReport.of(Runs.svmInject(Runs.expect(OutcomeClass.INJECTED),
                HvmPaging.HAP)));
        assertThat(hap).contains("HAP nested page fault");
        assertThat(nodes(hap, "lit")).contains("exit", "inject");
        String x86 = FlowDiagram.svg(ScenarioReport.of(Runs.failingBare()));
        assertThat(x86).contains("x86 page walk");
        assertThat(nodes(x86, "failed")).containsExactly("exc");
    }
}
