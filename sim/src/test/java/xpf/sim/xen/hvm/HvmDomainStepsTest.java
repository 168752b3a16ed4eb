package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static xpf.sim.xen.hvm.HvmFixture.*;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import xpf.model.scenario.ControlFlag;
import xpf.model.scenario.ControlWrite;
import xpf.model.scenario.CpuFeature;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.Insn;
import xpf.model.scenario.Outcome;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.Step;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PagingMode;
import xpf.sim.domain.ScenarioError;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.trace.Trace;

/**
 * An HVM domain's non-fault steps and its user errors: control-register writes as Xen handles the intercepted MOV CR
 * ({@code hvm_set_cr0/3/4}: an unsupported bit injects #GP(0); shadow paging switches or rebuilds shadows; HAP has
 * nothing to update), a step's CPL override, and the scenario mistakes reported with their field path (exit 2).
 */
class HvmDomainStepsTest {

    static Step cr(Long cr3, Set<ControlFlag> set, Set<ControlFlag> clear, PagingMode mode) {
        return step(new ControlWrite(cr3, set, clear, mode, null));
    }

    static HvmDomain dom(ScenarioRunner.Run r) {
        return (HvmDomain) r.domains().get("guest");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.1.1 shadow guests get no protection keys: setting CR4.PKE (CPU has PKU) injects #GP(0), "
            + "delivered through gate 13; the controls stay as they were")
    void pkeUnderShadowIsGp(DomainKind k) {
        HvmFixture f = of(k);
        f.features = EnumSet.of(CpuFeature.NX, CpuFeature.SMEP, CpuFeature.SMAP, CpuFeature.PAGE1GB, CpuFeature.PKU);
        ScenarioRunner.Run r = f.run(cr(null, Set.of(ControlFlag.PKE), Set.of(), null));
        Expect.step(r, 0, OutcomeClass.INJECTED, "vector", "13", "error_code", "0", "delivery.vector", "13",
                "delivery.handler", "0xffffffff81000d00");
        assertThat(r.trace().render()).contains("hvm_set_cr4 result=#GP cause=PKE/PKS (shadow) unsupported");
        assertThat(dom(r).vcpu(0).controls().cr4Pke()).isFalse();
    }

    @Test
    @DisplayName("hvm.5 HAP guests may set CR4.PKE when the CPU has PKU: nothing to update in Xen")
    void pkeUnderHap() {
        HvmFixture f = vmx().hap();
        f.features = EnumSet.of(CpuFeature.NX, CpuFeature.PKU, CpuFeature.PAGE1GB);
        ScenarioRunner.Run r = f.run(cr(null, Set.of(ControlFlag.PKE), Set.of(), null));
        Expect.step(r, 0, OutcomeClass.OK);
        assertThat(r.trace().render()).contains("hvm_set_cr result=hardware (HAP: no shadow to update)");
        assertThat(dom(r).vcpu(0).controls().cr4Pke()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = xpf.model.scenario.HvmPaging.class)
    @DisplayName("hvm.1.1 a control bit the CPU lacks (SMAP) ⇒ #GP(0), shadow and HAP alike")
    void unsupportedBitIsGp(xpf.model.scenario.HvmPaging p) {
        HvmFixture f = svm();
        f.paging = p;
        f.features = EnumSet.of(CpuFeature.NX, CpuFeature.PAGE1GB);
        ScenarioRunner.Run r = f.run(cr(null, Set.of(ControlFlag.SMAP), Set.of(), null));
        Expect.step(r, 0, OutcomeClass.INJECTED, "vector", "13", "error_code", "0");
        assertThat(r.trace().render()).contains("hvm_set_cr4 result=#GP cause=SMAP unsupported");
    }

    @Test
    @DisplayName("hvm.1.1 the shadow code has no 5-level mode: switching to LA57 under shadow ⇒ #GP(0)")
    void la57UnderShadowIsGp() {
        HvmFixture f = svm();
        f.features = EnumSet.of(CpuFeature.NX, CpuFeature.SMEP, CpuFeature.SMAP, CpuFeature.PAGE1GB, CpuFeature.LA57);
        ScenarioRunner.Run r = f.run(cr(null, Set.of(), Set.of(), PagingMode.LONG5));
        Expect.step(r, 0, OutcomeClass.INJECTED, "vector", "13");
        assertThat(r.trace().render()).contains("cause=LA57 (shadow) unsupported");
        assertThat(dom(r).vcpu(0).guestMode()).isEqualTo(PagingMode.LONG4);
    }

    @Test
    @DisplayName("hvm.3 MOV CR3 with the same value still reaches sh_update_cr3 (a TLB flush); a write that changes "
            + "nothing of CR3 or the paging mode touches no shadow")
    void cr3ReloadAndNoOp() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", USER_RW).run(step(read(DATA_VA)),
                cr(0x1000L << 12, Set.of(), Set.of(), null), cr(null, Set.of(ControlFlag.WP), Set.of(), null));
        assertThat(r.trace().eventsOfStep(1).toString()).contains("hvm_set_cr3").contains("sh_update_cr3")
                .doesNotContain("paging_update_paging_modes");
        assertThat(r.trace().eventsOfStep(2).toString()).doesNotContain("sh_update_cr3")
                .doesNotContain("paging_update_paging_modes");
        Expect.step(r, 2, OutcomeClass.OK);
    }

    @Test
    @DisplayName("hvm.3 a CR4.PSE change rebuilds the shadows (sh_update_paging_modes), like a paging-mode or NXE change")
    void pseChangeRebuilds() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", USER_RW).run(step(read(DATA_VA)),
                cr(null, Set.of(ControlFlag.PSE), Set.of(), null));
        assertThat(r.trace().eventsOfStep(1).toString()).contains("paging_update_paging_modes");
        assertThat(dom(r).view().shadows().values().stream().mapToInt(java.util.Map::size).sum()).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("a step's CPL applies to that instruction only; when a handler ran, the handler's CPL stays")
    void cplOverride(DomainKind k) {
        GuestAccess kernelRead = new GuestAccess(STACK_VA, AccessKind.READ, 8, null, 0, false, false, Insn.LOAD, null);
        ScenarioRunner.Run r = of(k).run(step(kernelRead));
        Expect.step(r, 0, OutcomeClass.FIXED);
        assertThat(dom(r).vcpu(0).cpl()).isEqualTo(3);
        GuestAccess kernelFault = new GuestAccess(0x500000, AccessKind.READ, 8, null, 0, false, false, Insn.LOAD,
                null);
        // same-privilege delivery stays on the current (user-allocated) stack, so map it
        ScenarioRunner.Run f = of(k).frame("ustack", 0x1013).map(0x7fffe000L, "ustack", USER_RW).run(step(kernelFault));
        Expect.step(f, 0, OutcomeClass.INJECTED, "error_code", "0");
        assertThat(dom(f).vcpu(0).cpl()).as("the #PF handler runs at CPL 0").isZero();
    }

    @Test
    @DisplayName("a dead domain answers every later step with its end (and a trace note)")
    void deadDomain() {
        ScenarioRunner.Run r = svm().noIdtMapping().run(step(write(0x500000, 1)), step(read(DATA_VA)));
        Expect.step(r, 1, OutcomeClass.TRIPLE_FAULT, "shutdown", "reboot");
        assertThat(r.trace().eventsOfStep(1).toString()).contains("domain guest is no longer running");
    }

    @Test
    @DisplayName("user errors name the field: vCPU index, access wider than 8 bytes without movdqu, host write outside "
            + "RAM, HVM hypercalls")
    void stepErrors() {
        HvmDomain d = dom(svm().run());
        assertThatThrownBy(() -> d.step(new Step("guest", 1, read(DATA_VA), null, null, null, 0), new Trace()))
                .isInstanceOf(ScenarioError.class).hasMessage("steps[0].vcpu: domain guest has no vCPU 1");
        assertThatThrownBy(() -> d.step(step(new GuestAccess(DATA_VA, AccessKind.WRITE, 16, 1L, null, false, false,
                Insn.MOV, null)), new Trace())).isInstanceOf(ScenarioError.class)
                .hasMessage("steps[0].size: accesses wider than 8 bytes need insn: movdqu");
        assertThatThrownBy(() -> d.step(step(new HostWrite(0x3000000, 8, 0)), new Trace()))
                .isInstanceOf(ScenarioError.class)
                .hasMessage("steps[0].pa: guest-physical address 0x3000000 is not RAM of domain guest");
        assertThat(d.step(step(new HostWrite(0x1010000, 8, 0x77)), new Trace()))
                .isEqualTo(new Outcome.Completed(null));
    }

    @Test
    @DisplayName("user errors at build: HAP on xen-3.1, an unknown HVM param, 5-level paging or PKE under shadow")
    void buildErrors() {
        assertThatThrownBy(() -> svm().hap().xen(XenProfile.XEN_3_1).run()).isInstanceOf(ScenarioError.class)
                .hasMessageContaining(".paging: xen-3.1 has no hardware-assisted paging");
        assertThatThrownBy(() -> svm().param("bogus", 1).run()).isInstanceOf(ScenarioError.class)
                .hasMessageContaining(".params.bogus: unknown HVM param (expected one of [mem_sharing_ring, "
                        + "triple_fault_reason, unshare_fails, xentrace_shadow])");
        HvmFixture la57 = svm().mode(PagingMode.LONG5);
        la57.features = EnumSet.of(CpuFeature.NX, CpuFeature.LA57);
        assertThatThrownBy(la57::run).isInstanceOf(ScenarioError.class)
                .hasMessageContaining(".vcpus[0].mode: Xen's shadow code has no 5-level mode: use paging: hap");
        HvmFixture pke = svm().controls(ControlFlag.WP, ControlFlag.PKE);
        pke.features = EnumSet.of(CpuFeature.NX, CpuFeature.PKU);
        assertThatThrownBy(pke::run).isInstanceOf(ScenarioError.class)
                .hasMessageContaining(".vcpus[0].controls: Xen offers protection keys only to HAP guests");
        assertThatThrownBy(() -> svm().device("d", "vga", 0x2000).run()).isInstanceOf(ScenarioError.class)
                .hasMessageContaining(".devices[0].model: unknown device model 'vga'");
    }

    @Test
    @DisplayName("more user errors: HVM hypercalls, an unknown p2m type, an mmio_dm entry naming a device that is not "
            + "there, initial memory in a frame with no RAM, a control bit the CPU lacks at build")
    void moreUserErrors() {
        HvmDomain d = dom(svm().run());
        assertThatThrownBy(() -> d.step(step(new xpf.model.scenario.Hypercall(
                new xpf.model.scenario.HypercallOp.UpdateVaMapping(DATA_VA, 0, 0))), new Trace()))
                .isInstanceOf(ScenarioError.class).hasMessageStartingWith("steps[0].op: HVM hypercalls are not "
                        + "modelled (");
        assertThatThrownBy(() -> svm().p2m(0x2000, "ram_bogus").run()).isInstanceOf(ScenarioError.class)
                .hasMessageContaining(".p2m[0].type: ");
        HvmFixture wrongDevice = svm();
        wrongDevice.p2m.add(new xpf.model.scenario.P2mSpec(0x2000, null, "mmio_dm", "nodev"));
        assertThatThrownBy(wrongDevice::run).isInstanceOf(ScenarioError.class)
                .hasMessageContaining(".p2m[0].device: no device named 'nodev' at gfn 0x2000");
        assertThatThrownBy(() -> svm().frame("hole", 0x3000).p2m(0x3000, "invalid").mem("hole", 0, 1).run())
                .isInstanceOf(ScenarioError.class).hasMessageContaining("guest frame 0x3000 has no machine frame "
                        + "(p2m type invalid): initial memory can only be written to RAM");
        HvmFixture smap = svm().controls(ControlFlag.WP, ControlFlag.SMAP);
        smap.features = EnumSet.of(CpuFeature.NX);
        assertThatThrownBy(smap::run).isInstanceOf(ScenarioError.class)
                .hasMessageContaining(".vcpus[0]: SMAP is not supported by the machine (add its CPU feature to "
                        + "machine.features)");
    }

    @Test
    @DisplayName("hvm.5 INVLPG under HAP is not intercepted (the hardware's); under shadow it reaches sh_invlpg")
    void invlpg() {
        ScenarioRunner.Run h = svm().hap().run(step(new xpf.model.scenario.Invlpg(DATA_VA)));
        Expect.step(h, 0, OutcomeClass.OK);
        assertThat(h.trace().render()).contains("HARDWARE invlpg intercepted=false").doesNotContain("sh_invlpg");
        ScenarioRunner.Run s = svm().run(step(new xpf.model.scenario.Invlpg(DATA_VA)));
        assertThat(s.trace().render()).contains("sh_invlpg").doesNotContain("intercepted=false");
    }

    @Test
    @DisplayName("the first end of a domain stays: a crash or panic after a triple fault changes nothing")
    void firstEndWins() {
        ScenarioRunner.Run r = svm().noIdtMapping().run(step(write(0x500000, 1)));
        HvmDomain d = dom(r);
        Outcome end = d.end();
        assertThat(end).isInstanceOf(Outcome.TripleFault.class);
        Trace t = new Trace();
        d.domainCrash("late", "late crash", t);
        d.hostPanic("late", "late panic", t);
        d.shutdown("crash", "late", t);
        assertThat(d.end()).isEqualTo(end);
        assertThat(t.render()).doesNotContain("domain_crash").doesNotContain("panic").doesNotContain(
                "domain_shutdown");
    }

    @Test
    @DisplayName("a host panic ends the domain with panic, for every vCPU's step; HAP domains have no shadow invariants")
    void hostPanic() {
        HvmDomain d = dom(svm().hap().run());
        assertThat(d.checkInvariants()).isEmpty();
        d.hostPanic("bug", "BUG() at x", new Trace());
        assertThat(d.alive()).isFalse();
        assertThat(d.end()).isEqualTo(new Outcome.Panic("bug", "BUG() at x"));
        assertThat(d.vcpu(0).log().outcome()).isEqualTo(new Outcome.Panic("bug", "BUG() at x"));
    }

    @Test
    @DisplayName("explain shows each step's operation: access, cr_write, host_write, invlpg")
    void operationRecords() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", USER_RW).run(step(read(DATA_VA)),
                cr(0x1000L << 12, Set.of(), Set.of(), null), step(new HostWrite(0x1010008, 8, 0x55)),
                step(new xpf.model.scenario.Invlpg(DATA_VA)));
        String t = r.trace().render();
        assertThat(t).contains("OP access va=0x400000 kind=read cpl=3 size=8")
                .contains("OP cr_write cr3=0x1000000 controls=").contains("mode=long4")
                .contains("OP host_write gpa=0x1010008 size=8 value=0x55").contains("OP invlpg va=0x400000");
    }

    @Test
    @DisplayName("the domain's end is traced: domain_shutdown with the reason, panic with reason and detail")
    void endRecords() {
        ScenarioRunner.Run r = svm().noIdtMapping().run(step(write(0x500000, 1)));
        assertThat(r.trace().render()).contains("CALL domain_shutdown domain=guest reason=reboot");
        HvmDomain d = dom(svm().run());
        Trace t = new Trace();
        d.hostPanic("bug", "BUG() at x", t);
        assertThat(t.render()).contains("CALL panic reason=bug detail=BUG() at x");
    }

    @Test
    @DisplayName("x86 §4.4.1 (PAE): MOV CR3 loads the four PDPTEs; with a new PDPT whose entries are not present "
            + "nothing is mapped any more, not even the IDT: #PF, #DF, triple fault (HAP: a shutdown exit)")
    void paeCr3LoadsPdptes() {
        ScenarioRunner.Run r = svm().hap().mode(PagingMode.PAE).frame("pdpt2", 0x1009).map(DATA_VA, "data", USER_RW)
                .run(step(read(DATA_VA)), cr(0x1009L << 12, Set.of(), Set.of(), null), step(read(DATA_VA)));
        Expect.step(r, 0, OutcomeClass.OK);
        Expect.step(r, 2, OutcomeClass.TRIPLE_FAULT, "cause", "shutdown_exit");
    }

    @Test
    @DisplayName("accessors of the plain-data view: name, kind, params")
    void accessors() {
        HvmDomain d = dom(vmx().param("triple_fault_reason", 3).run());
        assertThat(d.name()).isEqualTo("guest");
        assertThat(d.kind()).isEqualTo(DomainKind.HVM_VMX);
        assertThat(d.params()).containsEntry("triple_fault_reason", 3L);
        assertThat(d.vcpus()).hasSize(1).containsExactly(d.vcpu(0));
        assertThat(d.hostNx()).isTrue();
        HvmFixture noNx = svm().controls(ControlFlag.WP);
        noNx.features = EnumSet.of(CpuFeature.SMEP);
        assertThat(dom(noNx.run()).hostNx()).isFalse();
    }

    @Test
    @DisplayName("x86 §4.4.1 (PAE): each of the four PDPTEs is loaded from CR3 + 8·i: an address in the second GiB "
            + "goes through PDPTE 1")
    void paeSecondPdpte() {
        ScenarioRunner.Run r = svm().hap().mode(PagingMode.PAE).map(0x40400000L, "data", USER_RW).mem("data", 0, 0x66)
                .run(step(read(0x40400000L)));
        Expect.step(r, 0, OutcomeClass.OK, "value", "0x66");
    }
}
