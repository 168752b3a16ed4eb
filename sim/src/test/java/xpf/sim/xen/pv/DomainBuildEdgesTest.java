package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static xpf.sim.xen.pv.PvFixture.A;
import static xpf.sim.xen.pv.PvFixture.DATA;
import static xpf.sim.xen.pv.PvFixture.FOREIGN;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.L3;
import static xpf.sim.xen.pv.PvFixture.L4;
import static xpf.sim.xen.pv.PvFixture.NEWDATA;
import static xpf.sim.xen.pv.PvFixture.P;
import static xpf.sim.xen.pv.PvFixture.UP;
import static xpf.sim.xen.pv.PvFixture.US;
import static xpf.sim.xen.pv.PvFixture.e;
import static xpf.sim.xen.pv.PvFixture.implicitRead;
import static xpf.sim.xen.pv.PvFixture.mmuext;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.read;
import static xpf.sim.xen.pv.PvFixture.step;
import static xpf.sim.xen.pv.PvFixture.write;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.CpuFeature;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.MachineSpec;
import xpf.model.scenario.MappingSpec;
import xpf.model.scenario.Operation;
import xpf.model.scenario.Scenario;
import xpf.model.scenario.Step;
import xpf.model.scenario.VcpuSpec;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;
import xpf.model.xen.PvDomainView.FrameType;
import xpf.sim.domain.ScenarioError;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.trace.TraceEvent;
import xpf.sim.x86.EntryBits;

/**
 * The PV domain builder's checks and the state it leaves (PvDomain; xen-pv-fault-path.md §1, §4.6): which frames a
 * domain may own, the base tables {@code new_guest_cr3} must accept, the vCPU's selectors and hardware CR3
 * ({@code write_ptbase}, xen/arch/x86/mm.c, Xen 4.22), the per-vCPU LDT shadow slots {@code pv_destroy_ldt} drops
 * (xen/arch/x86/pv/descriptor-tables.c), log-dirty write faults on a page-crossing store (§2.3 row e), and what a
 * crashed domain or a panicked Xen does with later steps (§6). Written to kill the mutants PIT found surviving in
 * PvDomain and PvDomainViews (docs/mutation.md).
 */
class DomainBuildEdgesTest {
    static final long LDT_AREA = PvLayout.GDT_LDT_VIRT_START + 0x10000; // vCPU 0, LDT half
    static final long LDT2 = 0x100b;

    static List<Map<String, String>> events(ScenarioRunner.Run r, int step, TraceEvent.Kind kind, String name) {
        return GuestStepsEdgesTest.events(r, step, kind, name);
    }

    /** The fixture's scenario with the guest's DomainSpec (domains[0]) and the machine edited. */
    static Scenario edited(PvFixture f, UnaryOperator<DomainSpec> guest, UnaryOperator<MachineSpec> machine,
            Step... steps) {
        Scenario s = f.scenario(List.of(steps));
        List<DomainSpec> ds = new ArrayList<>(s.domains());
        ds.set(0, guest.apply(ds.get(0)));
        return new Scenario(s.version(), s.name(), s.description(), s.tags(), machine.apply(s.machine()), s.bugs(),
                ds, s.steps());
    }

    static Scenario edited(PvFixture f, UnaryOperator<DomainSpec> guest, Step... steps) {
        return edited(f, guest, m -> m, steps);
    }

    static DomainSpec withVcpus(DomainSpec d, List<VcpuSpec> vcpus) {
        return new DomainSpec(d.name(), d.kind(), d.paging(), d.hardwareDomain(), d.vmAssist(), d.frames(),
                d.spareFrames(), d.pageTables(), d.mappings(), d.memory(), vcpus, d.trapTable(), d.p2m(), d.devices(),
                d.params());
    }

    static DomainSpec withSpares(DomainSpec d, int spares, List<MappingSpec> mappings) {
        return new DomainSpec(d.name(), d.kind(), d.paging(), d.hardwareDomain(), d.vmAssist(), d.frames(), spares,
                d.pageTables(), mappings, d.memory(), d.vcpus(), d.trapTable(), d.p2m(), d.devices(), d.params());
    }

    static VcpuSpec withMode(VcpuSpec v, PagingMode mode) {
        return new VcpuSpec(mode, v.cr3(), v.controls(), v.pkru(), v.pkrs(), v.cpl(), v.pvKernelMode(), v.userCr3(),
                v.rip(), v.rsp(), v.rflags(), v.kernelSp(), v.kernelSs(), v.idt());
    }

    static MachineSpec features(MachineSpec m, CpuFeature... f) {
        EnumSet<CpuFeature> set = EnumSet.noneOf(CpuFeature.class);
        Collections.addAll(set, f);
        return new MachineSpec(m.vendor(), m.maxPhyAddr(), set, m.xen());
    }

    static Step on(int vcpu, Operation op) {
        return new Step("guest", vcpu, op, null, null, null, 0);
    }

    static PvDomain guest(ScenarioRunner.Run r) {
        return (PvDomain) r.domains().get("guest");
    }

    static PagingControls controls(ScenarioRunner.Run r) {
        return PvDomainViews.of(guest(r)).vcpus().get(0).controls();
    }

    // ---- vCPUs ----

    @Test
    @DisplayName("pv.1 a 64-bit PV vCPU runs on 4-level tables, a 32-bit one on PAE tables: another mode is bad input")
    void vcpuModeFollowsTheGuestWidth() {
        assertThatThrownBy(() -> ScenarioRunner.run(edited(PvFixture.pv64(), d -> withVcpus(d,
                List.of(withMode(d.vcpus().get(0), PagingMode.PAE))))))
                .isInstanceOf(ScenarioError.class).hasMessageContaining("64-bit PV guests use 4-level tables");
        assertThatThrownBy(() -> ScenarioRunner.run(edited(PvFixture.pv32(), d -> withVcpus(d,
                List.of(withMode(d.vcpus().get(0), PagingMode.LONG4))))))
                .isInstanceOf(ScenarioError.class).hasMessageContaining("32-bit PV guests use PAE tables");
        // mode left out: the guest's width decides
        assertThat(outcome(ScenarioRunner.run(edited(PvFixture.pv64(), d -> withVcpus(d,
                List.of(withMode(d.vcpus().get(0), null))), read(0x1000))), 0)).isCompleted();
    }

    @Test
    @DisplayName("pv.2.4 sixteen vCPUs fit the model's GDT/LDT L1; a seventeenth is refused")
    void atMostSixteenVcpus() {
        ScenarioRunner.Run r = ScenarioRunner.run(edited(PvFixture.pv64(),
                d -> withVcpus(d, Collections.nCopies(16, d.vcpus().get(0))), on(15, GuestAccess.read(0x1000))));
        assertThat(outcome(r, 0)).isCompleted();
        assertThat(PvFixture.view(r).vcpus()).hasSize(16);
        assertThatThrownBy(() -> ScenarioRunner.run(edited(PvFixture.pv64(),
                d -> withVcpus(d, Collections.nCopies(17, d.vcpus().get(0))))))
                .isInstanceOf(ScenarioError.class).hasMessageContaining("at most 16 vCPUs");
    }

    @Test
    @DisplayName("scenario: a step on a vCPU the domain does not have is bad input")
    void stepOnAMissingVcpu() {
        assertThatThrownBy(() -> ScenarioRunner.run(PvFixture.pv64().scenario(List.of(on(1,
                GuestAccess.read(0x1000)))))).isInstanceOf(ScenarioError.class).hasMessageContaining("no vCPU 1");
    }

    @Test
    @DisplayName("pv.4.6 a base table new_guest_cr3 refuses is bad input naming the frame")
    void refusedBaseTablesNameTheFrame() {
        PvFixture k = PvFixture.pv64();
        k.cr3Frame = FOREIGN;
        assertThatThrownBy(k::run).isInstanceOf(ScenarioError.class)
                .hasMessageContaining("Xen refuses frame 0x2000 as the base table");
        PvFixture u = PvFixture.pv64().user();
        u.userCr3Frame = FOREIGN;
        assertThatThrownBy(u::run).isInstanceOf(ScenarioError.class)
                .hasMessageContaining("Xen refuses frame 0x2000 as the user base table");
    }

    @Test
    @DisplayName("pv.1 write_ptbase: a 64-bit vCPU in user mode runs on guest_table_user, in kernel mode on guest_table")
    void userModeRunsOnTheUserL4() {
        long ul4 = 0x100b;
        PvFixture kernel = PvFixture.pv64();
        kernel.frames.put("ul4", ul4);
        kernel.userCr3Frame = ul4;
        ScenarioRunner.Run k = kernel.run(read(0x1000));
        assertThat(PvFixture.view(k).vcpus().get(0).hardwareCr3()).isEqualTo(L4 << 12);
        assertThat(outcome(k, 0)).isCompleted();

        PvFixture user = PvFixture.pv64().user();
        user.frames.put("ul4", ul4);
        user.userCr3Frame = ul4;
        ScenarioRunner.Run u = user.run(read(0x1000));
        // The user L4 maps nothing: the user-mode read faults (U: CPL 3), delivered to the kernel.
        assertThat(outcome(u, 0)).isDeliveredPageFault(PfErrorCode.U, 0x1000);
        assertThat(PvFixture.view(u).vcpus().get(0).guestTableUser()).isEqualTo(ul4);
    }

    // ---- frames the domain may own ----

    @Test
    @DisplayName("pv.1 frames 0x0..0xff are Xen's; 0x100 is the first a domain may own")
    void xenFramesBoundary() {
        PvFixture xen = PvFixture.pv64();
        xen.frames.put("x", 0xffL);
        assertThatThrownBy(xen::run).isInstanceOf(ScenarioError.class).hasMessageContaining("is Xen's");
        PvFixture first = PvFixture.pv64();
        first.frames.put("x", 0x100L);
        assertThat(PvFixture.view(first.run()).frames()).anySatisfy(p -> assertThat(p.mfn()).isEqualTo(0x100L));
    }

    @Test
    @DisplayName("pv.1 the last frame below MAXPHYADDR may be owned; the next one is refused")
    void maxPhyAddrBoundary() {
        long limit = 1L << (40 - 12);
        PvFixture last = PvFixture.pv64();
        last.frames.put("x", limit - 1);
        ScenarioRunner.Run r = ScenarioRunner.run(edited(last, d -> withSpares(d, 0, d.mappings())));
        assertThat(PvFixture.view(r).frames()).anySatisfy(p -> assertThat(p.mfn()).isEqualTo(limit - 1));
        PvFixture beyond = PvFixture.pv64();
        beyond.frames.put("x", limit);
        assertThatThrownBy(() -> ScenarioRunner.run(edited(beyond, d -> withSpares(d, 0, d.mappings()))))
                .isInstanceOf(ScenarioError.class).hasMessageContaining("beyond MAXPHYADDR");
    }

    @Test
    @DisplayName("pv.1 spare frames are the domain's too (after its named frames)")
    void spareFramesAreOwned() {
        ScenarioRunner.Run r = PvFixture.pv64().run();
        // named frames end at 0x1008 (l1b); four spares follow
        assertThat(PvFixture.view(r).frames()).extracting(p -> p.mfn())
                .contains(0x1009L, 0x100aL, 0x100bL, 0x100cL).doesNotContain(0x100dL);
        assertThat(PvDomainViews.of(guest(r)).frames().get(0x100cL).owner()).isEqualTo(guest(r).domid());
    }

    @Test
    @DisplayName("pv.1 a frame already owned is refused naming its owner: a domain, or DOMID_IO for MMIO")
    void alreadyOwnedFrames() {
        PvFixture ram = PvFixture.pv64();
        ram.withForeign = false;
        Scenario s = ram.scenario(List.of());
        Scenario twice = twoGuests(s, d -> d, other -> other);
        assertThatThrownBy(() -> ScenarioRunner.run(twice)).isInstanceOf(ScenarioError.class)
                .hasMessageMatching("(?s).*frame 0x1000 is already owned by d\\d+.*");
        PvFixture io = PvFixture.pv64().param("mmio_mfn", 0x3000);
        io.withForeign = false;
        Scenario s2 = io.scenario(List.of());
        Scenario mmio = twoGuests(s2, d -> d, other -> {
            LinkedHashMap<String, Long> frames = new LinkedHashMap<>();
            frames.put("l4", 0x4000L);
            frames.put("dev", 0x3000L);
            return new DomainSpec("other", other.kind(), null, false, other.vmAssist(), frames, 0, List.of(),
                    List.of(), List.of(), List.of(new VcpuSpec(PagingMode.LONG4, 0x4000L << 12,
                            EnumSet.noneOf(xpf.model.scenario.ControlFlag.class), 0, 0, 0, true, 0, 0, 0, 0x202, 0,
                            0xe02b, null)), List.of(), List.of(), List.of(), new LinkedHashMap<>());
        });
        assertThatThrownBy(() -> ScenarioRunner.run(mmio)).isInstanceOf(ScenarioError.class)
                .hasMessageContaining("frame 0x3000 is already owned by DOMID_IO");
    }

    /** {@code s}'s guest and a copy of it named "other" (edited). */
    static Scenario twoGuests(Scenario s, UnaryOperator<DomainSpec> guest, UnaryOperator<DomainSpec> other) {
        DomainSpec g = s.domains().get(0);
        DomainSpec o = new DomainSpec("other", g.kind(), g.paging(), false, g.vmAssist(), g.frames(), 0,
                g.pageTables(), g.mappings(), g.memory(), g.vcpus(), g.trapTable(), g.p2m(), g.devices(),
                new LinkedHashMap<>());
        return new Scenario(s.version(), s.name(), s.description(), s.tags(), s.machine(), s.bugs(),
                List.of(guest.apply(g), other.apply(o)), s.steps());
    }

    @Test
    @DisplayName("pv.1 MMIO ranges: exactly mmio_pages frames from mmio_mfn, none of them RAM")
    void mmioRanges() {
        ScenarioRunner.Run r = PvFixture.pv64().param("mmio_mfn", 0x3000).param("mmio_pages", 2)
                .param("mmio_ro_mfn", 0x3100).run();
        assertThat(PvFixture.view(r).iomemCaps()).containsExactly(0x3000L, 0x3001L, 0x3100L);
        assertThat(PvFixture.view(r).mmioRoFrames()).containsExactly(0x3100L);
        assertThat(PvDomainViews.of(guest(r)).frames().get(0x3001L).owner())
                .isEqualTo(xpf.sim.xen.mm.FrameTable.DOMID_IO);
        assertThatThrownBy(() -> PvFixture.pv64().param("mmio_mfn", DATA).run()).isInstanceOf(ScenarioError.class)
                .hasMessageMatching("(?s).*frame 0x1004 is RAM owned by d\\d+.*");
        long limit = 1L << (40 - 12);
        ScenarioRunner.Run top = PvFixture.pv64().param("mmio_mfn", limit - 1).param("mmio_pages", 2).run();
        assertThat(PvFixture.view(top).iomemCaps()).containsExactly(limit - 1, limit);
        assertThat(PvDomainViews.of(guest(top)).frames()).containsKey(limit - 1).doesNotContainKey(limit);
    }

    @Test
    @DisplayName("pv.1 a 64-bit guest's mappings are built with 4-level tables")
    void mappingsUseFourLevelTables() {
        MappingSpec m = new MappingSpec(0x40000000L, DATA, 4096, UP, UP, L4, "0x40000000 -> data");
        ScenarioRunner.Run r = ScenarioRunner.run(edited(PvFixture.pv64(), d -> withSpares(d, 4, List.of(m)),
                read(0x40000000L)));
        assertThat(outcome(r, 0)).isCompleted();
    }

    // ---- vm_assist at build time ----

    @Test
    @DisplayName("pv.1 vm_assist types a Xen does not know are bad input: m2p_strict is 64-bit only, 3.1 knew 0..3")
    void unknownVmAssistTypes() {
        PvFixture p32 = PvFixture.pv32();
        p32.assists.add("m2p_strict");
        assertThatThrownBy(p32::run).isInstanceOf(ScenarioError.class)
                .hasMessageContaining("'m2p_strict' is not a vm_assist type of Xen 4.22 for 32-bit guests");
        PvFixture old = PvFixture.pv64().profile(XenProfile.XEN_3_1);
        old.assists.add("architectural_iopl");
        assertThatThrownBy(old::run).isInstanceOf(ScenarioError.class)
                .hasMessageContaining("'architectural_iopl' is not a vm_assist type of Xen 3.1")
                .hasMessageNotContaining("32-bit");
        PvFixture both = PvFixture.pv64().profile(XenProfile.XEN_3_1);
        both.assists.add("pae_extended_cr3");
        assertThat(PvFixture.view(both.run()).vmAssist()).containsExactly("writable_pagetables", "pae_extended_cr3");
        PvFixture modern = PvFixture.pv64();
        modern.assists.add("m2p_strict");
        assertThat(PvFixture.view(modern.run()).vmAssist()).containsExactly("writable_pagetables", "m2p_strict");
        assertThat(PvFixture.view(PvFixture.pv64().run()).profile()).isEqualTo(XenProfile.XEN_4_22);
        assertThat(PvFixture.view(PvFixture.pv64().profile(XenProfile.XEN_3_1).run()).profile())
                .isEqualTo(XenProfile.XEN_3_1);
    }

    // ---- hardware controls ----

    @Test
    @DisplayName("pv.1 / §8.6 the vCPU runs with Xen's CR4: SMEP/SMAP as the CPU has them in 4.22, never in 3.1 or "
            + "while a 32-bit guest runs; EFER.NXE iff the CPU has NX")
    void hardwareControls() {
        PagingControls modern = controls(PvFixture.pv64().run());
        assertThat(modern.cr4Smep()).isTrue();
        assertThat(modern.cr4Smap()).isTrue();
        assertThat(modern.eferNxe()).isTrue();
        assertThat(modern.cr0Wp()).isTrue();
        assertThat(modern.mode()).isEqualTo(PagingMode.LONG4);
        PagingControls old = controls(PvFixture.pv64().profile(XenProfile.XEN_3_1).run());
        assertThat(old.cr4Smep()).isFalse();
        assertThat(old.cr4Smap()).isFalse();
        PagingControls p32 = controls(PvFixture.pv32().run());
        assertThat(p32.cr4Smep()).isFalse();
        assertThat(p32.cr4Smap()).isFalse();
        PagingControls smepOnly = controls(ScenarioRunner.run(edited(PvFixture.pv64(), d -> d,
                m -> features(m, CpuFeature.NX, CpuFeature.SMEP))));
        assertThat(smepOnly.cr4Smep()).isTrue();
        assertThat(smepOnly.cr4Smap()).isFalse();
        PagingControls smapOnly = controls(ScenarioRunner.run(edited(PvFixture.pv64(), d -> d,
                m -> features(m, CpuFeature.SMAP))));
        assertThat(smapOnly.cr4Smep()).isFalse();
        assertThat(smapOnly.cr4Smap()).isTrue();
        assertThat(smapOnly.eferNxe()).as("no NX on the CPU").isFalse();
    }

    @Test
    @DisplayName("pv.4.3 without NX on the CPU the NX bit is a disallowed L1 flag (BASE_DISALLOW_MASK)")
    void noNxCpuRefusesNxEntries() {
        long nxEntry = e(NEWDATA, UP) | EntryBits.XD;
        ScenarioRunner.Run noNx = ScenarioRunner.run(edited(PvFixture.pv64(), d -> d,
                m -> features(m, CpuFeature.SMEP, CpuFeature.SMAP),
                PvFixture.mmuUpdate(PvFixture.pteAddr(L1, 9), nxEntry)));
        assertThat(outcome(noNx, 0)).returned("mmu_update", -xpf.model.scenario.Errno.EINVAL);
        assertThat(PvFixture.pv64().last(PvFixture.mmuUpdate(PvFixture.pteAddr(L1, 9), nxEntry)))
                .returned("mmu_update", 0);
    }

    // ---- the LDT shadow slots (pv_destroy_ldt) ----

    /** A guest whose LDT is two pages (va 0x7000 → NEWDATA, 0x8000 → LDT2), both read-only. */
    static PvFixture twoPageLdt() {
        PvFixture f = PvFixture.pv64();
        f.frames.put("ldt2", LDT2);
        f.pte(L1, 7, e(NEWDATA, P | US | A)).pte(L1, 8, e(LDT2, P | US | A));
        return f;
    }

    @Test
    @DisplayName("pv.2.4 pv_destroy_ldt on a new LDT: the shadow slot is cleared and flushed, the page's "
            + "seg_desc reference dropped, and the next touch maps it again")
    void destroyLdtDropsTheShadowSlot() {
        long second = LDT_AREA + 0x1000; // shadow slot 1
        ScenarioRunner.Run r = twoPageLdt().run(mmuext(DoMmuextOp.SET_LDT, 0x7000, 1024), implicitRead(second),
                implicitRead(second), mmuext(DoMmuextOp.SET_LDT, 0x7000, 1023), implicitRead(second));
        assertThat(outcome(r, 1)).isFixed("ldt_mapped");
        assertThat(outcome(r, 2)).as("mapped now").isCompleted();
        assertThat(events(r, 3, TraceEvent.Kind.CALL, "pv_destroy_ldt")).singleElement()
                .satisfies(m -> assertThat(m).containsEntry("vcpu", "0"));
        assertThat(outcome(r, 4)).as("the slot was cleared and flushed").isFixed("ldt_mapped");
        assertThat(PvFixture.view(r).vcpus().get(0).ldtShadow()).hasSize(16).element(1).isEqualTo(LDT2);

        ScenarioRunner.Run dropped = twoPageLdt().run(mmuext(DoMmuextOp.SET_LDT, 0x7000, 1024), implicitRead(second),
                mmuext(DoMmuextOp.SET_LDT, 0, 0));
        assertThat(PvFixture.view(dropped).vcpus().get(0).ldtShadow()).containsOnly(0L);
        assertThat(PvFixture.frame(dropped, LDT2)).hasNoTypeInUse();
        // the type stays seg_desc with no type reference left (Xen changes a type only on the next get)
        assertThat(PvDomainViews.of(guest(dropped)).frames().get(LDT2).type()).isEqualTo(FrameType.SEG_DESC);
        assertThat(PvDomainViews.of(guest(dropped)).frames().get(LDT2).typeCount()).isZero();
        // A set_ldt that changes nothing destroys nothing.
        ScenarioRunner.Run same = twoPageLdt().run(mmuext(DoMmuextOp.SET_LDT, 0x7000, 1024), implicitRead(second),
                mmuext(DoMmuextOp.SET_LDT, 0x7000, 1024));
        assertThat(events(same, 2, TraceEvent.Kind.CALL, "pv_destroy_ldt")).isEmpty();
    }

    @Test
    @DisplayName("pv.2.4 each vCPU has its own 32 slots of the GDT/LDT L1: vCPU 1's LDT is dropped from its own")
    void destroyLdtOnVcpu1() {
        long second = LDT_AREA + (1L << PvLayout.GDT_LDT_VCPU_VA_SHIFT) + 0x1000;
        Scenario s = edited(twoPageLdt(), d -> withVcpus(d, Collections.nCopies(2, d.vcpus().get(0))),
                on(1, new xpf.model.scenario.Hypercall(new xpf.model.scenario.HypercallOp.MmuextOp(List.of(
                        new xpf.model.scenario.HypercallOp.MmuextOp.Request(DoMmuextOp.SET_LDT, 0x7000, 1024)),
                        PvLayout.DOMID_SELF))),
                on(1, implicitAccess(second)), on(1, implicitAccess(second)),
                on(1, new xpf.model.scenario.Hypercall(new xpf.model.scenario.HypercallOp.MmuextOp(List.of(
                        new xpf.model.scenario.HypercallOp.MmuextOp.Request(DoMmuextOp.SET_LDT, 0x7000, 1023)),
                        PvLayout.DOMID_SELF))),
                on(1, implicitAccess(second)));
        ScenarioRunner.Run r = ScenarioRunner.run(s);
        assertThat(outcome(r, 1)).isFixed("ldt_mapped");
        assertThat(outcome(r, 2)).isCompleted();
        assertThat(outcome(r, 4)).isFixed("ldt_mapped");
        assertThat(PvFixture.view(r).vcpus().get(0).ldtShadow()).containsOnly(0L);
    }

    static GuestAccess implicitAccess(long va) {
        return new GuestAccess(va, xpf.model.x86.AccessKind.READ, 8, null, null, true, false,
                xpf.model.scenario.Insn.LOAD, null);
    }

    @Test
    @DisplayName("pv.2.4 a 32-bit guest's LDT shadow is reached through Xen's per-domain slot of its compat L4")
    void pv32LdtThroughTheCompatL4() {
        PvFixture f = PvFixture.pv32();
        f.pte(L1, 7, e(NEWDATA, P | A));
        ScenarioRunner.Run r = f.run(mmuext(DoMmuextOp.SET_LDT, 0x7000, 16), implicitRead(LDT_AREA),
                implicitRead(LDT_AREA));
        assertThat(outcome(r, 1)).isFixed("ldt_mapped");
        assertThat(outcome(r, 2)).as("the shadow mapping is visible through the compat L4").isCompleted();
    }

    // ---- log-dirty: page-crossing writes ----

    @Test
    @DisplayName("pv.2.3e log-dirty: a write crossing from a dirty page into a clean one faults at the clean page")
    void logDirtyCrossingWrite() {
        PvFixture f = PvFixture.pv64().param("log_dirty", 1);
        f.pte(L1, 2, e(NEWDATA, UP));
        ScenarioRunner.Run r = f.run(write(0x1000, 5), write(0x1ffc, 8, 0x1122334455667788L,
                xpf.model.scenario.Insn.MOV), write(0x1ffc, 8, 0x1122334455667788L, xpf.model.scenario.Insn.MOV));
        assertThat(outcome(r, 0)).isFixed("paging");
        assertThat(outcome(r, 1)).isFixed("paging");
        assertThat(events(r, 1, TraceEvent.Kind.HARDWARE, "#PF")).first()
                .satisfies(m -> assertThat(m).containsEntry("va", "0x2000").containsEntry("source", "shadow"));
        assertThat(PvFixture.view(r).dirtyFrames()).contains(DATA, NEWDATA);
        assertThat(outcome(r, 2)).as("both pages dirty now").isCompleted();
    }

    @Test
    @DisplayName("pv.2.3e log-dirty: a write ending on the last byte of a dirty page does not touch the next page")
    void logDirtyWriteUpToThePageEnd() {
        PvFixture f = PvFixture.pv64().param("log_dirty", 1);
        f.pte(L1, 2, e(NEWDATA, UP));
        ScenarioRunner.Run r = f.run(write(0x1000, 5), write(0x1ff8, 8, 1L, xpf.model.scenario.Insn.MOV));
        assertThat(outcome(r, 1)).isCompleted();
        assertThat(PvFixture.view(r).dirtyFrames()).contains(DATA).doesNotContain(NEWDATA);
    }

    // ---- crashed domain, panicked Xen ----

    @Test
    @DisplayName("pv.6 a crashed domain runs nothing more: later steps report the crash, the view says not alive")
    void crashedDomainStaysCrashed() {
        ScenarioRunner.Run r = PvFixture.pv64().noTraps().run(read(0x9000), read(0x1000));
        String reason = ((xpf.model.scenario.Outcome.DomainCrash) outcome(r, 0)).reason();
        assertThat(events(r, 0, TraceEvent.Kind.CALL, "domain_crash")).singleElement()
                .satisfies(m -> assertThat(m).containsEntry("reason", reason));
        assertThat(outcome(r, 1)).isDomainCrash(reason);
        assertThat(r.trace().eventsOfStep(1)).anySatisfy(ev -> assertThat(ev.name())
                .isEqualTo("domain guest crashed earlier (" + reason + ")"));
        assertThat(PvFixture.view(r).alive()).isFalse();
        assertThat(PvFixture.view(PvFixture.pv64().run(read(0x9000))).alive()).isTrue();
    }

    @Test
    @DisplayName("pv.6 after a Xen panic nothing runs: later steps report the panic, the domain is not alive")
    void panickedXenStaysDown() {
        ScenarioRunner.Run r = PvFixture.pv64().profile(XenProfile.XEN_3_1)
                .run(implicitRead(PvLayout.GDT_LDT_VIRT_END - 8), read(0x1000));
        assertThat(outcome(r, 0)).isPanic("gdt_ldt_bug_on");
        assertThat(outcome(r, 1)).isPanic("gdt_ldt_bug_on");
        assertThat(r.trace().eventsOfStep(1)).anySatisfy(ev -> assertThat(ev.name())
                .isEqualTo("Xen has panicked (gdt_ldt_bug_on): nothing runs any more"));
        assertThat(PvFixture.view(r).alive()).isFalse();
        assertThat(PvDomainViews.of(guest(r)).alive()).isFalse();
    }

    // ---- PvDomainViews ----

    @Test
    @DisplayName("pv.1 the plain-data view: page types, owners, vCPU registers and selectors as Xen keeps them")
    void plainDataView() {
        ScenarioRunner.Run r = PvFixture.pv64().run(read(0x1000));
        PvDomain d = guest(r);
        xpf.model.xen.PvDomainView v = PvDomainViews.of(d);
        assertThat(v.domain()).isEqualTo("guest");
        assertThat(v.kind()).isEqualTo(xpf.model.scenario.DomainKind.PV64);
        assertThat(v.alive()).isTrue();
        assertThat(v.frames().get(L4).type()).isEqualTo(FrameType.L4);
        assertThat(v.frames().get(L3).type()).isEqualTo(FrameType.L3);
        assertThat(v.frames().get(PvFixture.L2).type()).isEqualTo(FrameType.L2);
        assertThat(v.frames().get(L1).type()).isEqualTo(FrameType.L1);
        assertThat(v.frames().get(DATA).owner()).isEqualTo(d.domid());
        assertThat(v.vmAssist()).containsExactly("writable_pagetables");
        xpf.model.xen.PvDomainView.Vcpu c = v.vcpus().get(0);
        assertThat(c.cs()).isEqualTo(PvLayout.FLAT_KERNEL_CS64);
        assertThat(c.ss()).isEqualTo(PvLayout.FLAT_KERNEL_SS64);
        assertThat(c.iopl()).isZero();
        assertThat(c.guestTable()).isEqualTo(L4);
        assertThat(d.name()).isEqualTo("guest");
        assertThat(d.kind()).isEqualTo(xpf.model.scenario.DomainKind.PV64);
        PvDomain p32 = guest(PvFixture.pv32().run());
        xpf.model.xen.PvDomainView.Vcpu c32 = PvDomainViews.of(p32).vcpus().get(0);
        assertThat(c32.cs()).isEqualTo(PvLayout.FLAT_RING1_CS);
        assertThat(c32.ss()).isEqualTo(PvLayout.FLAT_RING1_SS);
        assertThat(PvDomainViews.of(p32).frames().get(L4).type()).isEqualTo(FrameType.L3);
    }

    @Test
    @DisplayName("pv.2.4 guest_get_eff_kern_l1e: an LDT fault in user mode reads the LDT's L1e through the kernel "
            + "L4 and goes back to the user L4; iret under architectural_iopl keeps the IOPL (view: EFLAGS position)")
    void userModeLdtFaultUsesTheKernelTables() {
        long ul4 = 0x100b;
        PvFixture f = PvFixture.pv64();
        f.frames.put("ul4", ul4);
        f.userCr3Frame = ul4;
        f.assists.add("architectural_iopl");
        f.pte(L1, 7, e(NEWDATA, P | US | A));
        long frame = (PvFixture.STACK << 12) + 0x800; // va 0x6800 = the vCPU's rsp
        long[] words = {0, 0, 0, 0, 0x400000, 0xe033, 0x3202, 0x6f00, 0xe02b}; // rax r11 rcx flags rip cs rflags rsp ss
        List<Step> steps = new ArrayList<>();
        steps.add(mmuext(DoMmuextOp.SET_LDT, 0x7000, 16));
        for (int i = 0; i < words.length; i++) {
            steps.add(step(new xpf.model.scenario.HostWrite(frame + 8L * i, 8, words[i])));
        }
        steps.add(PvFixture.hypercall(new xpf.model.scenario.HypercallOp.Iret()));
        steps.add(implicitRead(LDT_AREA));
        ScenarioRunner.Run r = f.run(steps.toArray(Step[]::new));
        int iret = words.length + 1;
        assertThat(outcome(r, iret)).returned("iret", 0);
        assertThat(PvFixture.view(r).vcpus().get(0).kernelMode()).isFalse();
        assertThat(outcome(r, iret + 1)).isFixed("ldt_mapped");
        assertThat(PvFixture.view(r).vcpus().get(0).hardwareCr3()).as("back on the user L4").isEqualTo(ul4 << 12);
        assertThat(PvDomainViews.of(guest(r)).vcpus().get(0).iopl()).as("IOPL 3 in EFLAGS position")
                .isEqualTo(0x3000L);
    }

    @Test
    @DisplayName("pv.5.3 an event upcall to a 32-bit guest enters its callback with the ring-1 kernel CS "
            + "(compat_create_bounce_frame loads trap_bounce.cs)")
    void pv32UpcallUsesTheRing1KernelCs() {
        long callback = PvFixture.HANDLER32 + 0x200;
        ScenarioRunner.Run r = PvFixture.pv32().param("event_callback", callback).run(
                PvFixture.step(GuestAccess.read(0x9000), new xpf.model.scenario.Knobs(false, null, false, true)));
        // the #PF is bounced first, then the pending event's upcall on top of it (test_all_events)
        assertThat(outcome(r, 0)).isDeliveredPageFault(0, 0x9000).hasFrameSlot("upcall_handler", callback);
        assertThat(PvFixture.view(r).vcpus().get(0).rip()).isEqualTo(callback);
        assertThat(PvFixture.view(r).vcpus().get(0).cs()).isEqualTo(PvLayout.FLAT_RING1_CS);
    }

    @Test
    @DisplayName("pv.2.6 SMEP/SMAP classification needs Xen to use them (4.22) and the CPU to have them: without, a "
            + "supervisor write to a user page that the re-walk allows is spurious")
    void smepSmapClassificationNeedsTheFeature() {
        PfRegs regs = PfRegs.xen(PfErrorCode.P | PfErrorCode.W, XenSite.UNPROTECTED, false);
        PvDomain old = guest(PvFixture.pv64().profile(XenProfile.XEN_3_1).run());
        old.useTrace(new xpf.sim.trace.Trace());
        assertThat(old.traps().handlePF(old.vcpu(0), regs, 0x1000).kind()).isEqualTo(Fix.Kind.FIXED);
        PvDomain bare = guest(ScenarioRunner.run(edited(PvFixture.pv64(), d -> d, m -> features(m, CpuFeature.NX))));
        bare.useTrace(new xpf.sim.trace.Trace());
        assertThat(bare.traps().handlePF(bare.vcpu(0), regs, 0x1000).kind()).isEqualTo(Fix.Kind.FIXED);
    }

    @Test
    @DisplayName("pv.2.6 each classification needs its own CR4 bit: on a SMEP-only CPU a supervisor write to a user "
            + "page that the re-walk allows is spurious; on a SMAP-only CPU a supervisor fetch is a SMAP fault (Xen's "
            + "SMAP test does not exclude fetches); with both, the write is a SMAP fault and the fetch a SMEP fault")
    void smepAndSmapEachNeedTheirOwnFeature() {
        // __page_fault_type (xen/arch/x86/traps.c, 4.22): SMEP fault if CR4.SMEP and a supervisor fetch; SMAP fault
        // if CR4.SMAP and a supervisor data access with CS RPL 3 or EFLAGS.AC clear; Xen sets each CR4 bit only for a
        // feature the CPU has (xen-pv-fault-path.md §2.6; traps.c master c447b73 checks cr4 & X86_CR4_SMEP / _SMAP)
        PfRegs write = PfRegs.xen(PfErrorCode.P | PfErrorCode.W, XenSite.UNPROTECTED, false);
        PfRegs fetch = PfRegs.xen(PfErrorCode.P | PfErrorCode.I, XenSite.UNPROTECTED, false);
        PvDomain smepOnly = guest(ScenarioRunner.run(edited(PvFixture.pv64(), d -> d,
                m -> features(m, CpuFeature.NX, CpuFeature.SMEP))));
        smepOnly.useTrace(new xpf.sim.trace.Trace());
        assertThat(smepOnly.traps().handlePF(smepOnly.vcpu(0), write, 0x1000).kind()).isEqualTo(Fix.Kind.FIXED);
        PvDomain smapOnly = guest(ScenarioRunner.run(edited(PvFixture.pv64(), d -> d,
                m -> features(m, CpuFeature.NX, CpuFeature.SMAP))));
        smapOnly.useTrace(new xpf.sim.trace.Trace());
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> smapOnly.traps().handlePF(smapOnly.vcpu(0), fetch, 0x1000))
                .isInstanceOf(PvFatal.Panic.class).hasMessageContaining("SMAP_FAULT");
        PvDomain both = guest(ScenarioRunner.run(edited(PvFixture.pv64(), d -> d,
                m -> features(m, CpuFeature.NX, CpuFeature.SMEP, CpuFeature.SMAP))));
        both.useTrace(new xpf.sim.trace.Trace());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> both.traps().handlePF(both.vcpu(0), write, 0x1000))
                .isInstanceOf(PvFatal.Panic.class).hasMessageContaining("SMAP_FAULT");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> both.traps().handlePF(both.vcpu(0), fetch, 0x1000))
                .isInstanceOf(PvFatal.Panic.class).hasMessageContaining("SMEP_FAULT");
    }

    @Test
    @DisplayName("pv.3.1 ptwr above 4 GiB: a 64-bit guest's effective L1e is read for any __addr_ok address")
    void ptwrAboveFourGiB() {
        long va = 0x100003000L;
        MappingSpec m = new MappingSpec(va, L1, 4096, P | US | A, UP, L4, "second read-only view of L1");
        ScenarioRunner.Run r = ScenarioRunner.run(edited(PvFixture.pv64(), d -> withSpares(d, 4, List.of(m)),
                write(va + 16, e(NEWDATA, UP))));
        assertThat(outcome(r, 0)).isEmulated("ptwr");
        assertThat(events(r, 0, TraceEvent.Kind.CALL, "guest_get_eff_kern_l1e")).anySatisfy(c -> assertThat(c)
                .containsEntry("va", "0x" + Long.toHexString(va + 16)).doesNotContainEntry("l1e", "0x0"));
    }
}
