package xpf.conformance.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import xpf.sim.scenario.cli.CallFlow;
import xpf.sim.scenario.load.LoadedScenario;
import xpf.sim.scenario.load.ScenarioLoader;

/**
 * {@code xpf explain} on the seed mail's HVM flow prints the mail's five steps, in order, with the run's VMCB / VMCS
 * values: #VMEXIT 0x4E, svm_do_page_fault (now paging_fault), shadow_fault (now sh_page_fault), the injection, VMRUN.
 */
class SeedExplainTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "svm/seed-svm-injected.yaml; VM exit #VMEXIT (exitcode=0x4e, name=VMEXIT_EXCEPTION_PF, exitinfo1=0x6, "
            + "exitinfo2=0x500000; svm_inject_event (eventinj=0x680000b0e; resume VMRUN (eventinj=0x680000b0e, cr2=0x500000",
        "vmx/seed-vmx-injected.yaml; VM exit VM exit (exit_reason=0x0, name=EXIT_REASON_EXCEPTION_NMI, "
            + "exit_intr_info=0x80000b0e, exit_intr_error_code=0x6, exit_qualification=0x500000; __vmx_inject_exception "
            + "(entry_intr_info=0x80000b0e, entry_error_code=0x6; resume VMRESUME (entry_intr_info=0x80000b0e",
        "svm/seed-svm-injected-xen31.yaml; VM exit #VMEXIT (exitcode=0x4e; svm_inject_exception (eventinj=0x680000b0e; "
            + "resume VMRUN (eventinj=0x680000b0e"})
    @DisplayName("seed: explain shows #VMEXIT → paging_fault → sh_page_fault → inject → VMRUN with real fields")
    void fiveSteps(String file, String exit, String inject, String resume) {
        LoadedScenario ls = ScenarioLoader.load(Path.of("scenarios").resolve(file));
        String text = CallFlow.explain(ls, ls.run());
        int a = text.indexOf(exit);
        int b = text.indexOf("paging_fault (va=0x500000", a);
        int c = text.indexOf("sh_page_fault: propagate", b);
        int d = text.indexOf(inject, c);
        int e = text.indexOf(resume, d);
        assertThat(new int[] {a, b, c, d, e}).as(text).doesNotContain(-1);
        assertThat(text).contains("formerly=" + (file.startsWith("svm") ? "svm_do_page_fault" : "vmx_do_page_fault"))
                .contains("formerly=shadow_fault").contains("[xen/arch/x86/mm/shadow/multi.c");
    }
}
