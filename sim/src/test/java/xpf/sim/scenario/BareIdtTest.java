package xpf.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.ControlFlag;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.GateSpec;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.IdtSpec;
import xpf.model.scenario.MachineSpec;
import xpf.model.scenario.MappingSpec;
import xpf.model.scenario.Outcome;
import xpf.model.scenario.Scenario;
import xpf.model.scenario.Step;
import xpf.model.scenario.VcpuSpec;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.PageSizes;
import xpf.model.x86.PagingMode;
import xpf.sim.x86.EntryBits;

/** §1.1g on bare metal: a vCPU with an IDT gets its exceptions delivered; a fault while delivering combines per SDM. */
class BareIdtTest {
    static final long KERNEL = EntryBits.P | EntryBits.RW | EntryBits.A | EntryBits.D;
    static final long UPPER = EntryBits.P | EntryBits.RW | EntryBits.US;

    static Scenario bare(boolean stackMapped, boolean idtMapped, IdtSpec idt) {
        LinkedHashMap<String, Long> frames = new LinkedHashMap<>();
        frames.put("root", 0x1000L);
        frames.put("idt", 0x1001L);
        frames.put("stack", 0x1002L);
        List<MappingSpec> maps = new java.util.ArrayList<>();
        if (idtMapped) {
            maps.add(new MappingSpec(0x10000, 0x1001, PageSizes.SIZE_4K, KERNEL, UPPER, 0x1000, "idt"));
        }
        if (stackMapped) {
            maps.add(new MappingSpec(0x20000, 0x1002, PageSizes.SIZE_4K, KERNEL, UPPER, 0x1000, "stack"));
        }
        DomainSpec d = new DomainSpec("guest", DomainKind.BARE, null, false, java.util.Set.of(), frames, 8, List.of(),
                maps, List.of(), List.of(new VcpuSpec(PagingMode.LONG4, 0x1000L << 12, EnumSet.of(ControlFlag.WP),
                        0, 0, 3, true, 0, 0x401000, 0x7ff000, 0x202, 0, 0, idt)),
                List.of(), List.of(), List.of(), new LinkedHashMap<>());
        return new Scenario(1, "t", "", List.of(), MachineSpec.modernIntel(XenProfile.XEN_4_22), List.of(),
                List.of(d), List.of(new Step("guest", 0, GuestAccess.write(0x500000, 1), null, null, null, 0)));
    }

    static IdtSpec idt() {
        return new IdtSpec(0x10000, List.of(new GateSpec(14, 0xffffffff81000e00L, 0x10, false, 0, 0, true),
                new GateSpec(8, 0xffffffff81000800L, 0x10, false, 0, 0, true)), 0x21000, List.of());
    }

    @Test
    @DisplayName("1.1g bare #PF with an IDT: delivered to vector 14 with error code, CR2 and frame")
    void delivered() {
        Outcome o = ScenarioRunner.run(bare(true, true, idt())).steps().get(0).outcome();
        assertThat(o).isInstanceOf(Outcome.Delivered.class);
        assertThat(o.fields()).containsEntry("vector", "14").containsEntry("error_code", "W|U")
                .containsEntry("cr2", "0x500000").containsEntry("handler", "0xffffffff81000e00")
                .containsEntry("frame.error_code", "0x6").containsEntry("frame.base", "0x20fd0");
    }

    @Test
    @DisplayName("1.1g bare: stack not mapped ⇒ #PF during #PF delivery ⇒ #DF (SDM), then triple fault")
    void doubleThenTriple() {
        Outcome o = ScenarioRunner.run(bare(false, true, idt())).steps().get(0).outcome();
        assertThat(o).isInstanceOf(Outcome.TripleFault.class);
        IdtSpec ist = new IdtSpec(0x10000, List.of(new GateSpec(14, 0xffffffff81000e00L, 0x10, false, 0, 0, true),
                new GateSpec(8, 0xffffffff81000800L, 0x10, false, 0, 1, true)), 0x21000, List.of(0x11000L));
        Outcome df = ScenarioRunner.run(bare(false, true, ist)).steps().get(0).outcome();
        assertThat(df.summary()).startsWith("double_fault vector=8 error_code=0x0 cr2=0x20ff8");
    }

    @Test
    @DisplayName("1.1g bare without an IDT: the exception is reported as before")
    void noIdt() {
        Outcome o = ScenarioRunner.run(bare(true, true, null)).steps().get(0).outcome();
        assertThat(o).isInstanceOf(Outcome.ArchException.class);
    }
}
