package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;

import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import xpf.model.scenario.ControlFlag;
import xpf.model.scenario.CpuFeature;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PagingMode;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.x86.EntryBits;
import xpf.sim.xen.hvm.svm.Svm;
import xpf.sim.xen.hvm.vmx.Vmx;
import xpf.sim.xen.mm.walk.GuestWalk;
import xpf.sim.xen.mm.walk.GuestWalker;

/**
 * The historic bugs of xen-hvm-fault-path.md §7, items 1-10, end to end through an HVM domain: the xen-4.22 profile
 * gets each right; where xen-3.1 behaved differently the difference is pinned; each bug switch re-creates its bug.
 */
class HistoricBugsTest {

    static HvmDomain dom(ScenarioRunner.Run r) {
        return (HvmDomain) r.domains().get("guest");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.7.1 #PF raised while delivering a #PF: #DF(0) in 4.22; 3.1 and the switches deliver a #PF")
    void item1NoCombination(DomainKind k) {
        Expect.step(of(k).noStackMapping().dfIst().run(step(write(0x500000, 1))), 0, OutcomeClass.DOUBLE_FAULT,
                "error_code", "0");
        Expect.step(of(k).xen(XenProfile.XEN_3_1).noStackMapping().dfIst().run(step(write(0x500000, 1))), 0,
                OutcomeClass.INJECTED, "vector", "14");
        for (String bug : new String[] {"no-df-combine", "no-idt-vectoring-requeue"}) {
            Expect.step(of(k).noStackMapping().dfIst().bug(bug).run(step(write(0x500000, 1))), 0,
                    OutcomeClass.INJECTED, "vector", "14");
        }
    }

    @Test
    @DisplayName("hvm.7.2 user write to a present read-only page with A=0: P|W|U, A stays 0; 3.1 injects W|U")
    void item2WalkerErrorPaths() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", P | US).run(step(write(DATA_VA, 1)));
        Expect.step(r, 0, OutcomeClass.INJECTED, "error_code", "P|W|U");
        assertThat(leaf(dom(r)) & EntryBits.A).isZero();
        ScenarioRunner.Run old = svm().xen(XenProfile.XEN_3_1).map(DATA_VA, "data", P | US)
                .run(step(write(DATA_VA, 1)));
        Expect.step(old, 0, OutcomeClass.INJECTED, "error_code", "W|U");
        ScenarioRunner.Run bug = svm().map(DATA_VA, "data", P | US).bug("a-bit-on-fault")
                .run(step(write(DATA_VA, 1)));
        Expect.step(bug, 0, OutcomeClass.INJECTED, "error_code", "P|W|U");
        assertThat(leaf(dom(bug)) & EntryBits.A).isEqualTo(EntryBits.A);
    }

    static long leaf(HvmDomain d) {
        GuestWalk w = GuestWalker.guestWalkTables(d.vcpu(0).walkContext(), d.p2m(), d.machineMemory(), DATA_VA, 0,
                false);
        return w.entries().get(w.entries().size() - 1).value();
    }

    @Test
    @DisplayName("hvm.7.3 PTE with P=0 and garbage reserved bits: ec without RSVD; the switch reports RSVD|P")
    void item3ReservedOnNotPresent() {
        long garbage = EntryBits.bits(51, 40);
        Expect.step(svm().map(DATA_VA, "data", garbage).run(step(read(DATA_VA))), 0, OutcomeClass.INJECTED,
                "error_code", "U");
        Expect.step(svm().map(DATA_VA, "data", garbage).bug("rsvd-on-not-present").run(step(read(DATA_VA))), 0,
                OutcomeClass.INJECTED, "error_code", "P|U|RSVD");
    }

    @Test
    @DisplayName("hvm.7.4 XSA-156: #DB and #AC are always intercepted in 4.22, not in 3.1")
    void item4Xsa156() {
        int svm = ((Svm) dom(svm().run()).vcpu(0).arch()).vmcb().exceptionIntercepts;
        long vmx = ((Vmx) dom(vmx().run()).vcpu(0).arch()).vmcs().exceptionBitmap;
        assertThat(svm & (1 << 1 | 1 << 17)).isEqualTo(1 << 1 | 1 << 17);
        assertThat(vmx & (1 << 1 | 1 << 17)).isEqualTo(1 << 1 | 1 << 17);
        int old = ((Svm) dom(svm().xen(XenProfile.XEN_3_1).run()).vcpu(0).arch()).vmcb().exceptionIntercepts;
        assertThat(old & (1 << 1 | 1 << 17)).isZero();
    }

    static HvmFixture bigGpa() {
        HvmFixture f = svm().map2m(0x800000, 1L << 32, USER_RW).p2m(1L << 32, "ram_rw");
        f.maxPhyAddr = 46;
        return f;
    }

    @Test
    @DisplayName("hvm.7.5 XSA-173: a 2 MiB page at GPA 2^44 is RSVD|P (guest MAXPHYADDR 44); the switch BUGs the host")
    void item5Xsa173() {
        Expect.step(bigGpa().run(step(read(0x800000))), 0, OutcomeClass.INJECTED, "error_code", "P|U|RSVD",
                "cr2", "0x800000");
        Expect.step(bigGpa().bug("xsa-173").run(step(read(0x800000))), 0, OutcomeClass.PANIC, "reason",
                "shadow_gfn_truncated");
        Expect.step(bigGpa().xen(XenProfile.XEN_3_1).run(step(read(0x800000))), 0, OutcomeClass.FIXED);
    }

    /** Data at va 0x8000000000 (PML4 slot 1, PDPT gfn 0x1034); the host sets PS in that PML4E. */
    static HvmFixture psInL4(HvmFixture f) {
        return f.map(0x8000000000L, "data", USER_RW);
    }

    static ScenarioRunner.Run runPsInL4(HvmFixture f) {
        long pml4Slot1 = (0x1000L << 12) + 8;
        return psInL4(f).run(step(new HostWrite(pml4Slot1, 8, (0x1034L << 12) | UPPER | EntryBits.PS)),
                step(read(0x8000000000L)));
    }

    @Test
    @DisplayName("hvm.7.6 XSA-176: PS in an L4e ⇒ RSVD|P; the switch (and the 3.1 walker) follow it as a pointer")
    void item6Xsa176() {
        Expect.step(runPsInL4(svm()), 1, OutcomeClass.INJECTED, "error_code", "P|U|RSVD", "cr2", "0x8000000000");
        Expect.step(runPsInL4(svm().bug("xsa-176")), 1, OutcomeClass.FIXED, "fixup", "shadow_fixup");
        Expect.step(runPsInL4(svm().xen(XenProfile.XEN_3_1)), 1, OutcomeClass.FIXED, "fixup", "shadow_fixup");
    }

    @Test
    @DisplayName("hvm.7.7 PAE PTE with bit 52 set and P=1 ⇒ RSVD|P, no paging/sharing action; 3.1 maps it")
    void item7PaeBit52() {
        long bit52 = 1L << 52;
        ScenarioRunner.Run r = svm().mode(PagingMode.PAE).map(DATA_VA, "data", USER_RW | bit52)
                .run(step(read(DATA_VA)));
        Expect.step(r, 0, OutcomeClass.INJECTED, "error_code", "P|U|RSVD", "delivery.vector", "14");
        assertThat(dom(r).p2m().lookup(0x1010).type().wireName()).isEqualTo("ram_rw");
        Expect.step(svm().mode(PagingMode.PAE).xen(XenProfile.XEN_3_1).map(DATA_VA, "data", USER_RW | bit52)
                .run(step(read(DATA_VA))), 0, OutcomeClass.FIXED);
    }

    static HvmFixture smapGuest(DomainKind k) {
        return of(k).map(DATA_VA, "data", USER_RW).controls(ControlFlag.WP, ControlFlag.NXE, ControlFlag.SMAP);
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.7.8 CPL3 implicit access under SMAP: ec P (0x1); with the leak VMX entry fails, SVM shows bit 18")
    void item8PfecImplicit(DomainKind k) {
        ScenarioRunner.Run r = smapGuest(k).run(step(access(DATA_VA, AccessKind.READ, 3, true)));
        Expect.step(r, 0, OutcomeClass.INJECTED, "error_code", "P", "cr2", "0x400000");
        ScenarioRunner.Run bug = smapGuest(k).bug("pfec-implicit-leak")
                .run(step(access(DATA_VA, AccessKind.READ, 3, true)));
        if (k == DomainKind.HVM_VMX) {
            Expect.step(bug, 0, OutcomeClass.DOMAIN_CRASH, "reason", "vmentry_failure");
        } else {
            Expect.step(bug, 0, OutcomeClass.INJECTED, "error_code", "0x40001", "delivery.frame.error_code",
                    "0x40001");
        }
    }

    @Test
    @DisplayName("hvm.7.9 guest EFER.NXE=0 fetches a not-present page: ec 0; the switch and 3.1 report I (0x10)")
    void item9IdWithoutNxe() {
        HvmFixture f = svm().controls(ControlFlag.WP).cpl(0);
        Expect.step(f.run(step(fetch(0x500000))), 0, OutcomeClass.INJECTED, "error_code", "0");
        Expect.step(svm().controls(ControlFlag.WP).cpl(0).bug("id-without-nxe").run(step(fetch(0x500000))), 0,
                OutcomeClass.INJECTED, "error_code", "I");
        Expect.step(svm().controls(ControlFlag.WP).cpl(0).xen(XenProfile.XEN_3_1).run(step(fetch(0x500000))), 0,
                OutcomeClass.INJECTED, "error_code", "I");
    }

    @Test
    @DisplayName("hvm.7.10 protection keys (HAP): a user write to a read-only page whose key has WD reports PK")
    void item10ProtectionKeys() {
        HvmFixture f = vmx().hap().map(DATA_VA, "data", P | US | A | D | (1L << EntryBits.PKEY_SHIFT))
                .controls(ControlFlag.WP, ControlFlag.NXE, ControlFlag.PKE);
        f.features = java.util.EnumSet.of(CpuFeature.NX, CpuFeature.PKU, CpuFeature.PAGE1GB);
        f.pkru = 0b1000; // WD for key 1
        ScenarioRunner.Run r = f.run(step(write(DATA_VA, 1)));
        Expect.step(r, 0, OutcomeClass.DELIVERED, "vector", "14", "error_code", "P|W|U|PK");
        assertThat(Arrays.asList(HvmBug.values())).extracting(HvmBug::id).contains("xsa-173", "xsa-176",
                "no-idt-vectoring-requeue", "no-df-combine", "cr2-after-combine", "pfec-implicit-leak",
                "id-without-nxe", "rsvd-on-not-present", "a-bit-on-fault");
    }
}
