package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;

import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.ControlFlag;
import xpf.model.scenario.ControlWrite;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.OutcomeClass;
import xpf.model.x86.PagingMode;
import xpf.sim.scenario.ScenarioRunner;

/**
 * What a guest control-register write reloads ({@code hvm_set_cr0/cr3/cr4}, xen/arch/x86/hvm/hvm.c, 4.22): PAE PDPTEs
 * are loaded from memory by MOV to CR3 and by a paging-mode change (SDM Vol. 3A §4.4.1), not by a write that only
 * flips CR0.WP; under shadow paging a mode change goes through {@code paging_update_paging_modes}, traced with the
 * new mode.
 */
class ControlWriteReloadTest {

    @Test
    @DisplayName("x86 §4.4.1 PAE under EPT: the PDPTE registers are not reloaded by a CR0.WP flip: after the PDPT in "
            + "memory is cleared the old PDPTE 0 still maps the data")
    void wpFlipKeepsPdptes() {
        ScenarioRunner.Run r = vmx().hap().mode(PagingMode.PAE).map(DATA_VA, "data", USER_RW).mem("data", 0, 0x33)
                .run(step(new HostWrite(0x1000L << 12, 8, 0)),
                        step(new ControlWrite(null, Set.of(), Set.of(ControlFlag.WP), null, null)),
                        step(read(DATA_VA)));
        Expect.step(r, 2, OutcomeClass.OK, "value", "0x33");
        HvmDomain d = (HvmDomain) r.domains().get("guest");
        assertThat(d.vcpu(0).pdpte[0] & P).as("PDPTE 0 register still present").isEqualTo(P);
    }

    @Test
    @DisplayName("x86 §4.4.1 PAE: a MOV to CR3 with the value CR3 already holds reloads the PDPTE registers: after the "
            + "PDPT in memory is cleared the access faults (PDPTE not present), and so does the #PF's delivery (the IDT "
            + "and the stack are in the same GiB): triple fault")
    void sameValueMovCr3ReloadsPdptes() {
        ScenarioRunner.Run r = svm().hap().mode(PagingMode.PAE).map(DATA_VA, "data", USER_RW).mem("data", 0, 0x33)
                .run(step(new HostWrite(0x1000L << 12, 8, 0)),
                        step(new ControlWrite(0x1000L << 12, Set.of(), Set.of(), null, null)),
                        step(read(DATA_VA)));
        HvmDomain d = (HvmDomain) r.domains().get("guest");
        assertThat(d.vcpu(0).pdpte[0]).as("PDPTE 0 register reloaded from the cleared PDPT").isZero();
        Expect.step(r, 2, OutcomeClass.TRIPLE_FAULT);
    }

    @Test
    @DisplayName("PAE under NPT: no PDPTE registers, each walk reads the PDPTEs from memory: after the PDPT in memory is "
            + "cleared the access faults without any control-register write (and so does the #PF's delivery)")
    void nptWalkReadsPdptesFromMemory() {
        ScenarioRunner.Run r = svm().hap().mode(PagingMode.PAE).map(DATA_VA, "data", USER_RW).mem("data", 0, 0x33)
                .run(step(new HostWrite(0x1000L << 12, 8, 0)), step(read(DATA_VA)));
        Expect.step(r, 1, OutcomeClass.TRIPLE_FAULT);
    }

    @Test
    @DisplayName("x86 §4.4.1 PAE under EPT: a MOV to CR3 whose PDPTE 0 has a reserved bit (A, bit 5) faults with #GP(0) "
            + "in the processor (not intercepted) and loads nothing: the old PDPTE 0 still maps the data")
    void eptMovCr3WithReservedPdpteFaults() {
        ScenarioRunner.Run r = vmx().hap().mode(PagingMode.PAE).map(DATA_VA, "data", USER_RW).mem("data", 0, 0x33)
                .run(step(new HostWrite(0x1000L << 12, 8, (0x1234L << 12) | 0x21)),
                        step(new ControlWrite(0x1000L << 12, Set.of(), Set.of(), null, null)),
                        step(read(DATA_VA)));
        HvmDomain d = (HvmDomain) r.domains().get("guest");
        assertThat(d.vcpu(0).pdpte[0] & 0x20).as("PDPTE 0 register not reloaded").isZero();
        assertThat(d.vcpu(0).pdpte[0] & P).as("PDPTE 0 register still present").isEqualTo(P);
        assertThat(r.trace().render()).contains("mov_cr3 pdpte=0 value=0x1234021 reserved=0x20 result=#GP(0)")
                .contains("HARDWARE #GP ec=0 intercepted=false");
        Expect.step(r, 2, OutcomeClass.OK, "value", "0x33");
    }

    @Test
    @DisplayName("hvm.3 sh_update_cr3 PAE: under shadow paging a same-value MOV to CR3 re-reads the PDPTEs (gl3e) and "
            + "rebuilds the top level from them: the shadow l1e built through the old PDPTE 0 goes, and the access "
            + "faults (then its delivery too, the IDT and stack being in the same GiB: triple fault)")
    void shadowSameValueMovCr3RebuildsPaeTopLevel() {
        ScenarioRunner.Run r = svm().mode(PagingMode.PAE).map(DATA_VA, "data", USER_RW).mem("data", 0, 0x33)
                .run(step(read(DATA_VA)),
                        step(new HostWrite(0x1000L << 12, 8, 0)),
                        step(read(DATA_VA)),
                        step(new ControlWrite(0x1000L << 12, Set.of(), Set.of(), null, null)),
                        step(read(DATA_VA)));
        Expect.step(r, 2, OutcomeClass.OK, "value", "0x33");   // no CR3 load yet: the old PDPTE 0 still maps it
        HvmDomain d = (HvmDomain) r.domains().get("guest");
        assertThat(d.vcpu(0).pdpte[0]).as("PDPTE 0 register reloaded from the cleared PDPT").isZero();
        assertThat(r.trace().render()).contains("stale_dropped=");
        Expect.step(r, 4, OutcomeClass.TRIPLE_FAULT);
    }

    @Test
    @DisplayName("hvm.3 a shadow guest's paging-mode change (here CR4.PSE) is traced as paging_update_paging_modes with "
            + "the mode")
    void modeChangeRecord() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", USER_RW)
                .run(step(new ControlWrite(null, Set.of(ControlFlag.PSE), Set.of(), null, null)));
        assertThat(r.trace().render()).contains("CALL paging_update_paging_modes mode=long4");
    }
}
