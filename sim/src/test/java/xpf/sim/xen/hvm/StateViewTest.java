package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import xpf.model.scenario.ControlWrite;
import xpf.model.scenario.DeviceSpec;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.GateSpec;
import xpf.model.scenario.HvmPaging;
import xpf.model.scenario.IdtSpec;
import xpf.model.scenario.MachineSpec;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.P2mSpec;
import xpf.model.scenario.Scenario;
import xpf.model.scenario.Step;
import xpf.model.scenario.VcpuSpec;
import xpf.model.scenario.XenProfile;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.trace.Trace;

/** The plain-data view of an HVM domain, its invariants after every step, determinism, and paging-off guests. */
class StateViewTest {

    static List<Step> mixed() {
        long l1 = ShPageFaultTest.L1_OF_DATA;
        return List.of(step(read(DATA_VA)), step(write(DATA_VA, 1)), step(read(0x600000)),
                step(write(0x600008, (ShPageFaultTest.DATA2 << 12) | USER_RW)), step(read(DATA_VA + 0x1000)),
                step(write(0x500000, 1)), step(write(0x600010, 0), emulatorFails()), step(read(DATA_VA)),
                step(new ControlWrite(null, Set.of(), Set.of(xpf.model.scenario.ControlFlag.NXE), null, null)),
                step(read(DATA_VA)), step(write(0x600000, (l1 << 12) | USER_RW)), step(read(DATA_VA)));
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.3.3 shadow ⊆ guest ∧ p2m and no writable PT mapping, after every step, both profiles")
    void invariantsAfterEveryStep(DomainKind k) {
        for (XenProfile p : XenProfile.values()) {
            HvmFixture f = of(k).xen(p).cpl(0).frame("data2", ShPageFaultTest.DATA2).map(DATA_VA, "data", USER_RW)
                    .mapGfn(ShPageFaultTest.PT_VA, ShPageFaultTest.L1_OF_DATA, KERNEL_RW);
            HvmDomain d = (HvmDomain) ScenarioRunner.run(f.scenario(List.of())).domains().get("guest");
            Trace t = new Trace();
            int i = 0;
            for (Step s : mixed()) {
                t.beginStep(i++);
                d.step(s, t);
                assertThat(d.checkInvariants()).as(p + " after step " + (i - 1) + "\n" + t.render()).isEmpty();
            }
            assertThat(d.alive()).isTrue();
        }
    }

    @Test
    @DisplayName("determinism: the same scenario gives equal views and a byte-identical trace")
    void deterministic() {
        ScenarioRunner.Run a = svm().cpl(0).map(DATA_VA, "data", USER_RW).run(mixed().toArray(Step[]::new));
        ScenarioRunner.Run b = svm().cpl(0).map(DATA_VA, "data", USER_RW).run(mixed().toArray(Step[]::new));
        assertThat(((HvmDomain) a.domains().get("guest")).view())
                .isEqualTo(((HvmDomain) b.domains().get("guest")).view());
        assertThat(a.trace().hash()).isEqualTo(b.trace().hash());
    }

    @Test
    @DisplayName("view: VMCB fields by name, p2m entries, devices, shadowed page tables")
    void viewContents() {
        ScenarioRunner.Run r = svm().map(DATA_VA, "data", USER_RW).device("d", "regs", 0x2000, 0, 7)
                .run(step(read(DATA_VA)));
        HvmView v = ((HvmDomain) r.domains().get("guest")).view();
        assertThat(v.kind()).isEqualTo("hvm-svm");
        assertThat(v.paging()).isEqualTo("shadow");
        assertThat(v.profile()).isEqualTo("xen-4.22");
        assertThat(v.vcpus().get(0).arch()).containsKeys("exitcode", "exitinfo1", "exitinfo2", "exit_int_info",
                "eventinj", "cr2", "exception_intercepts");
        assertThat(v.p2m()).anyMatch(e -> e.gfn() == 0x2000 && e.type().wireName().equals("mmio_dm"));
        assertThat(v.devices().get(0).registers()).containsEntry(0, 7L);
        assertThat(v.pageTables()).hasSize(4);
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.1.1 paging off: Xen's identity shadow; RAM fixed, MMIO emulated, a hole injected (32-bit frame)")
    void pagingOff(DomainKind k) {
        LinkedHashMap<String, Long> frames = new LinkedHashMap<>();
        frames.put("idt", 0x10L);
        frames.put("stack", 0x20L);
        frames.put("data", 0x400L);
        IdtSpec idt = new IdtSpec(0x10000, List.of(new GateSpec(14, 0xc1000e00L, 8, false, 0, 0, true),
                new GateSpec(8, 0xc1000800L, 8, false, 0, 0, true)), 0x21000, List.of());
        VcpuSpec v = new VcpuSpec(null, 0, Set.of(), 0, 0, 0, false, 0, 0x1000, 0x21000, 0x202, 0, 0, idt);
        DomainSpec d = new DomainSpec("guest", k, HvmPaging.SHADOW, false, Set.of(), frames, 4, List.of(), List.of(),
                List.of(), List.of(v), List.of(), List.of(new P2mSpec(0x3000, null, "invalid", null)),
                List.of(new DeviceSpec("dev", "regs", 0x2000, new java.util.TreeMap<>(java.util.Map.of(8, 0x55L)))),
                new LinkedHashMap<>());
        Scenario s = new Scenario(1, "off", "", List.of(), MachineSpec.modernIntel(XenProfile.XEN_4_22), List.of(),
                List.of(d), List.of(step(read(0x400000)), step(read(0x2000008)), step(read(0x3000000))));
        ScenarioRunner.Run r = ScenarioRunner.run(s);
        Expect.step(r, 0, OutcomeClass.FIXED, "fixup", "shadow_fixup");
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "mmio", "value", "0x55");
        Expect.step(r, 2, OutcomeClass.INJECTED, "error_code", "P", "delivery.frame.base", "0x20ff0",
                "delivery.frame.cs", "0x8");
    }
}
