package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.ControlWrite;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.Operation;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.Scenario;
import xpf.model.scenario.Step;
import xpf.model.x86.PagingMode;
import xpf.model.xen.HvmDomainView;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.xen.mm.shadow.ShadowL1e;

/**
 * The plain-data view the reference model reads ({@link HvmDomainViews#of}, docs/reference-model-hvm.md "The view"):
 * a field-by-field copy of the domain, vCPU and Xen software state, checked against what the domain itself reports;
 * and the per-vCPU state it copies ({@code v->arch.paging.shadow.last_emulated_*} is per vCPU in Xen's
 * {@code sh_page_fault}, xen/arch/x86/mm/shadow/multi.c, 4.22).
 */
class HvmDomainViewsTest {

    static HvmDomain dom(ScenarioRunner.Run r) {
        return (HvmDomain) r.domains().get("guest");
    }

    static Step on(int vcpu, Operation op) {
        return new Step("guest", vcpu, op, null, null, null, 0);
    }

    /** The fixture's domain with two vCPUs built from the same vCPU spec. */
    static ScenarioRunner.Run twoVcpus(HvmFixture f, Step... steps) {
        Scenario s = f.scenario(List.of(steps));
        DomainSpec d = s.domains().get(0);
        DomainSpec two = new DomainSpec(d.name(), d.kind(), d.paging(), d.hardwareDomain(), d.vmAssist(), d.frames(),
                d.spareFrames(), d.pageTables(), d.mappings(), d.memory(), List.of(d.vcpus().get(0),
                d.vcpus().get(0)), d.trapTable(), d.p2m(), d.devices(), d.params());
        return ScenarioRunner.run(new Scenario(s.version(), s.name(), s.description(), s.tags(), s.machine(),
                s.bugs(), List.of(two), s.steps()));
    }

    @Test
    @DisplayName("view of a running shadow SVM domain: no end, paging shadow, its p2m, devices, shadows and shadowed "
            + "page tables as the domain has them, unshare_fails 0, one vCPU with Xen's shadow fast-emulation state")
    void shadowDomain() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", USER_RW).device("d", "regs", 0x2000, 0, 7)
                .run(step(read(DATA_VA)));
        HvmDomain d = dom(r);
        HvmDomainView v = HvmDomainViews.of(d);
        HvmView own = d.view();
        assertThat(v).as("the one-argument form builds the domain's own view").isEqualTo(HvmDomainViews.of(d, own));
        assertThat(v.domain()).isEqualTo("guest");
        assertThat(v.alive()).isTrue();
        assertThat(v.end()).as("a running domain has no end").isNull();
        assertThat(v.paging()).isEqualTo(xpf.model.scenario.HvmPaging.SHADOW);
        assertThat(v.kind()).isEqualTo(d.kind());
        assertThat(v.host()).containsExactly(java.util.Map.entry("unshare_fails", 0L));
        assertThat(v.p2m()).hasSize(own.p2m().size()).contains(new HvmDomainView.P2m(0x2000, own.p2m().stream()
                .filter(e -> e.gfn() == 0x2000).findFirst().orElseThrow().mfn(), "mmio_dm", "d"));
        assertThat(v.devices()).containsExactly(new HvmDomainView.Device("d", "regs", 0x2000,
                new java.util.TreeMap<>(java.util.Map.of(0, 7L))));
        assertThat(v.pageTables().keySet()).isEqualTo(own.pageTables().keySet()).hasSize(4);
        long root = d.vcpu(0).shadowRoot();
        ShadowL1e s = own.shadows().get(root).get(DATA_VA >>> 12);
        assertThat(v.shadows().get(root).get(DATA_VA >>> 12)).as("the data page's shadow l1e, copied")
                .isEqualTo(new HvmDomainView.Shadow(s.vpn(), s.sl1e(), s.gfn(), s.mfn(), s.gl1e(), s.fl1(),
                        s.tableMfns()));
        assertThat(v.vcpus()).hasSize(1);
        HvmDomainView.Vcpu c = v.vcpus().get(0);
        assertThat(c.id()).isZero();
        assertThat(c.mode()).isEqualTo(PagingMode.LONG4);
        assertThat(c.cpl()).isEqualTo(3);
        assertThat(c.arch()).isEqualTo(d.vcpu(0).arch().fields());
        assertThat(c.xen()).as("SVM's deferred re-queue state, then the shadow code's F1 state")
                .containsKeys("deferred_exit_int_info", "last_write_emul_ok", "last_emulated_frame",
                        "last_emulated_mfn");
        assertThat(v.memory()).isEqualTo(d.machineMemory().snapshotWords());
    }

    @Test
    @DisplayName("view of a HAP VMX domain: paging hap, no shadow fast-emulation state, no shadows")
    void hapDomain() {
        HvmDomain d = dom(vmx().hap().map(DATA_VA, "data", USER_RW).run(step(read(DATA_VA))));
        HvmDomainView v = HvmDomainViews.of(d);
        assertThat(v.paging()).isEqualTo(xpf.model.scenario.HvmPaging.HAP);
        assertThat(v.shadows()).isEmpty();
        assertThat(v.vcpus().get(0).xen()).doesNotContainKeys("last_write_emul_ok", "last_emulated_frame");
    }

    @Test
    @DisplayName("view of a domain that ended: its end (triple fault, reboot) with the outcome's fields, alive false")
    void endedDomain() {
        ScenarioRunner.Run r = svm().noIdtMapping().run(step(write(0x500000, 1)));
        Expect.step(r, 0, OutcomeClass.TRIPLE_FAULT, "shutdown", "reboot");
        HvmDomainView v = HvmDomainViews.of(dom(r));
        assertThat(v.alive()).isFalse();
        assertThat(v.end()).isNotNull();
        assertThat(v.end().outcome()).isEqualTo(OutcomeClass.TRIPLE_FAULT);
        assertThat(v.end().fields()).containsEntry("shutdown", "reboot");
    }

    @Test
    @DisplayName("hvm.5.2.8 HVM param unshare_fails: the p2m's unsharing finds no memory (host state unshare_fails 1); "
            + "with a mem-sharing ring the helper frees memory: the write is handled (ENOMEM notified), the guest's "
            + "retry unshares (mem_sharing_notify_enomem, hvm_hap_nested_page_fault, 4.22), host state back to 0")
    void unshareFailsAndRing() {
        HvmFixture f = svm().hap().map(DATA_VA, "data", USER_RW).mem("data", 0, 0x1111).p2m(0x1010, "ram_shared")
                .param("unshare_fails", 1).param("mem_sharing_ring", 1);
        HvmDomain built = dom(f.run());
        assertThat(built.p2m().unshareFails()).isTrue();
        assertThat(HvmDomainViews.of(built).host()).containsEntry("unshare_fails", 1L);
        assertThat(HvmDomainViews.of(built).params()).containsEntry("unshare_fails", 1L)
                .containsEntry("mem_sharing_ring", 1L);
        ScenarioRunner.Run r = svm().hap().map(DATA_VA, "data", USER_RW).mem("data", 0, 0x1111)
                .p2m(0x1010, "ram_shared").param("unshare_fails", 1).param("mem_sharing_ring", 1)
                .run(step(write(DATA_VA, 3)), step(write(DATA_VA, 4)), step(read(DATA_VA)));
        Expect.step(r, 0, OutcomeClass.FIXED, "fixup", "hap_sharing_enomem");
        Expect.step(r, 1, OutcomeClass.OK);
        Expect.step(r, 2, OutcomeClass.OK, "value", "0x4");
        assertThat(HvmDomainViews.of(dom(r)).host()).containsEntry("unshare_fails", 0L);
        assertThat(r.trace().render())
                .as("get_gfn_type_access shows the type found and the type after the unshare")
                .contains("get_gfn_type_access gfn=0x1010 type=ram_shared now=ram_rw");
        assertThat(r.trace().render()).as("svm_do_nested_pgfault returns 1 (handled)")
                .contains("svm_do_nested_pgfault gpa=0x1010000 rc=1 class=hap_unshare");
        HvmDomain plain = dom(svm().hap().run());
        assertThat(plain.p2m().unshareFails()).as("unshare_fails defaults to 0").isFalse();
    }

    @Test
    @DisplayName("a crashing nested fault returns 0 (hvm_hap_nested_page_fault's rc) in the exit handler's record")
    void crashRcIsZero() {
        ScenarioRunner.Run r = vmx().hap().mapGfn(0x800000, 0x3000, USER_RW).run(step(read(0x800000)));
        Expect.step(r, 0, OutcomeClass.DOMAIN_CRASH, "reason", "npf_unhandled");
        assertThat(r.trace().render()).contains("rc=0 class=npf_unhandled");
    }

    @Test
    @DisplayName("hvm.3.E9 two vCPUs: the fast-emulation state is per vCPU (v->arch.paging.shadow): vCPU 1's emulated "
            + "PT write is remembered for vCPU 1 only; the view lists both vCPUs with their ids")
    void perVcpuFastEmulationState() {
        ScenarioRunner.Run r = twoVcpus(ShPageFaultTest.ptGuest(KERNEL_RW).cpl(0),
                on(1, read(DATA_VA)), on(1, write(ShPageFaultTest.PT_VA + 0x10, 0)));
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "pt_write");
        HvmDomain d = dom(r);
        assertThat(d.vcpu(1).vcpuId()).isEqualTo(1);
        assertThat(d.vcpu(1).domainVcpus()).containsExactly(d.vcpu(0), d.vcpu(1));
        assertThat(d.shadow().fastEmulationState(1)).containsEntry("last_write_emul_ok", 1L)
                .containsEntry("last_emulated_frame", ShPageFaultTest.PT_VA >>> 12);
        assertThat(d.shadow().fastEmulationState(0)).containsEntry("last_write_emul_ok", 0L);
        HvmDomainView v = HvmDomainViews.of(d);
        assertThat(v.vcpus()).extracting(HvmDomainView.Vcpu::id).containsExactly(0, 1);
        assertThat(v.vcpus().get(1).xenField("last_write_emul_ok")).isEqualTo(1L);
        assertThat(v.vcpus().get(0).xenField("last_write_emul_ok")).isZero();
    }

    @Test
    @DisplayName("x86 §4.4.1 PAE: CR3 bits 31:5 locate the PDPT (32-byte aligned inside its page): the PDPTEs load "
            + "from CR3 + 8·i, and the shadow's top level is keyed by that 32-byte aligned address")
    void paeCr3WithinPage() {
        // the same guest twice: first to learn the PDPTEs the fixture built, then with a copy at offset 0x20
        HvmDomain first = dom(svm().hap().mode(PagingMode.PAE).map(DATA_VA, "data", USER_RW).run());
        long[] pdpte = first.vcpu(0).pdpte.clone();
        assertThat(pdpte[0] & P).as("PDPTE 0 maps the first GiB").isEqualTo(P);
        for (boolean hap : new boolean[] {true, false}) {
            HvmFixture f = svm().mode(PagingMode.PAE).map(DATA_VA, "data", USER_RW).mem("data", 0, 0x5a);
            if (hap) {
                f.hap();
            }
            for (int i = 0; i < 4; i++) {
                f.pte("pml4", 4 + i, pdpte[i]);
            }
            long cr3 = (0x1000L << 12) | 0x20;
            ScenarioRunner.Run r = f.run(step(new ControlWrite(cr3, Set.of(), Set.of(), null, null)),
                    step(read(DATA_VA)), step(read(DATA_VA)));
            HvmDomain d = dom(r);
            assertThat(d.vcpu(0).pdpte).as("PDPTEs at CR3 + 8·i").containsExactly(pdpte);
            Expect.step(r, 2, OutcomeClass.OK, "value", "0x5a");
            if (!hap) {
                assertThat(d.vcpu(0).shadowRoot()).isEqualTo(cr3);
                assertThat(d.view().shadows()).containsKey(cr3);
            }
        }
    }

    @Test
    @DisplayName("hvm.1.1 paging off: pagingEnabled false, shadowRoot -1, the vCPU view's mode 'off'; the walk context "
            + "of a shadow guest says shadow (guest_walk_tables under sh_page_fault), of a HAP guest not")
    void pagingOffAndWalkContext() {
        HvmDomain off = dom(svm().noIdtMapping().noStackMapping().controls().mode(null).run());
        assertThat(off.vcpu(0).pagingEnabled()).isFalse();
        assertThat(off.vcpu(0).shadowRoot()).isEqualTo(-1L);
        assertThat(off.vcpu(0).view().mode()).isEqualTo("off");
        HvmDomain on = dom(svm().run());
        assertThat(on.vcpu(0).pagingEnabled()).isTrue();
        assertThat(on.vcpu(0).view().mode()).isEqualTo("long4");
        assertThat(on.vcpu(0).walkContext().shadow()).isTrue();
        assertThat(dom(svm().hap().run()).vcpu(0).walkContext().shadow()).isFalse();
    }
}
