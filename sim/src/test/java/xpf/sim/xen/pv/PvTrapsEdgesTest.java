package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.FaultDecisionPointsTest.xenFault;
import static xpf.sim.xen.pv.PvFixture.A;
import static xpf.sim.xen.pv.PvFixture.COW;
import static xpf.sim.xen.pv.PvFixture.DATA;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.L3;
import static xpf.sim.xen.pv.PvFixture.NEWDATA;
import static xpf.sim.xen.pv.PvFixture.P;
import static xpf.sim.xen.pv.PvFixture.RIP;
import static xpf.sim.xen.pv.PvFixture.RW;
import static xpf.sim.xen.pv.PvFixture.US;
import static xpf.sim.xen.pv.PvFixture.UP;
import static xpf.sim.xen.pv.PvFixture.e;
import static xpf.sim.xen.pv.PvFixture.implicitRead;
import static xpf.sim.xen.pv.PvFixture.mmuext;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.pteAddr;
import static xpf.sim.xen.pv.PvFixture.read;
import static xpf.sim.xen.pv.PvFixture.step;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.Step;
import xpf.model.x86.PfErrorCode;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.trace.Trace;

/**
 * Decision points of {@code handle_PF} / {@code fixup_page_fault} (xen/arch/x86/traps.c, 3.1 and 4.22;
 * xen-pv-fault-path.md §2.3, §2.4, §2.6, §5.7) that the other PV tests leave open: row (a) (interrupts off: no
 * fixups), Xen's own writes never reaching ptwr (row d is for guest-kernel writes), the reason a refused LDT page
 * shows being that page's own, and {@code __page_fault_type}'s rights: USER only for U=1 faults, NX only for
 * fetches, SMAP only for user pages, and a 1 GiB leaf at L3.
 */
class PvTrapsEdgesTest {

    @Test
    @DisplayName("pv.2.3a fixup_page_fault with interrupts disabled in the frame fixes nothing (not even a ptwr "
            + "write) and says why")
    void rowAInterruptsDisabled() {
        PvDomain d = FatalOutcomesTest.guest(PvFixture.pv64().run());
        Trace t = new Trace();
        d.useTrace(t);
        // a guest-kernel write to its own read-only L1 (va 0x3008) would be ptwr's; with IF clear nothing is tried
        Fix f = d.traps().fixupPageFault(d.vcpu(0), PfRegs.guest(0xe033, RIP, 0x2, PfErrorCode.P | PfErrorCode.W),
                PvFixture.VA_L1 + 8);
        assertThat(f).isEqualTo(Fix.NOT_FIXED);
        assertThat(t.render()).contains("fixup_page_fault result=0 row=a why=interrupts disabled")
                .doesNotContain("ptwr_do_page_fault");
    }

    @Test
    @DisplayName("pv.5.7 Xen's bounce-frame store to a read-only page-table page is not given to ptwr (Xen context "
            + "is never guest kernel mode): extable, domain crash")
    void xenStoreToPageTableSkipsPtwr() {
        PvFixture ro = PvFixture.pv64();
        ro.rsp = 0x3800; // the L1, mapped read-only at va 0x3000
        ScenarioRunner.Run r = ro.run(read(0x9000));
        assertThat(outcome(r, 0)).isDomainCrash("bounce_frame_fault");
        assertThat(TraceLines.of(r, "CALL ptwr_do_page_fault")).isEmpty();
        assertThat(TraceLines.of(r, "CALL pv_ro_page_fault")).isEmpty();
    }

    @Test
    @DisplayName("pv.2.4 two refused LDT pages in a row: each refusal shows its own page's reason")
    void ldtRefusalReasonIsTheCurrentPages() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1, 7, e(NEWDATA, P | US | A)).pte(L1, 8, e(COW, P | US | A)); // LDT pages at va 0x7000, 0x8000
        long badGate = 0x00008900_00000000L; // present system descriptor, type 9: not a call gate
        ScenarioRunner.Run r = f.run(step(new HostWrite((NEWDATA << 12) + 8, 8, badGate)),
                step(new HostWrite((COW << 12) + 8, 8, badGate)), mmuext(DoMmuextOp.SET_LDT, 0x7000, 1024),
                implicitRead(FixupPathTest.LDT_AREA + 0x1008), implicitRead(FixupPathTest.LDT_AREA + 8));
        assertThat(outcome(r, 3)).isDeliveredPageFault(0, 0x8008);
        assertThat(outcome(r, 4)).isDeliveredPageFault(0, 0x7008);
        assertThat(TraceLines.of(r, "CALL pv_map_ldt_shadow_page result=false")).containsExactly(
                "CALL pv_map_ldt_shadow_page result=false why=not a valid descriptor page: descriptor 1 of 0x1007 is a "
                        + "system descriptor other than a call gate mfn=0x1007",
                "CALL pv_map_ldt_shadow_page result=false why=not a valid descriptor page: descriptor 1 of 0x1005 is a "
                        + "system descriptor other than a call gate mfn=0x1005");
    }

    @Test
    @DisplayName("pv.2.6 a supervisor (U=0) read the tables now allow is spurious on a supervisor-only page: "
            + "USER is required only for U=1 faults")
    void supervisorReadNeedsNoUser() {
        assertThat(xenFault(PvFixture.pv64(), PfErrorCode.P, 0x9000, true, pteAddr(L1, 9), e(DATA, P | A)))
                .isEqualTo(Fix.fixed("spurious"));
    }

    @Test
    @DisplayName("pv.2.6 NX only matters for instruction fetches: a data read of an NX page the tables allow is "
            + "spurious")
    void nxOnlyForFetches() {
        assertThat(xenFault(PvFixture.pv64(), PfErrorCode.P, 0x9000, true, pteAddr(L1, 9), e(DATA, UP | Pte.NX)))
                .isEqualTo(Fix.fixed("spurious"));
    }

    @Test
    @DisplayName("pv.2.6 SMAP is about user pages: a supervisor write with AC clear to a supervisor-only page is "
            + "spurious, not a SMAP panic")
    void smapOnlyForUserPages() {
        assertThat(xenFault(PvFixture.pv64(), PfErrorCode.P | PfErrorCode.W, 0x9000, false, pteAddr(L1, 9),
                e(DATA, P | RW | A))).isEqualTo(Fix.fixed("spurious"));
    }

    @Test
    @DisplayName("pv.2.6 a 1 GiB leaf (PSE at L3) ends the re-walk there: a write it allows is spurious")
    void oneGigLeafEndsTheWalk() {
        long va = 1L << 30; // L4[0] → L3[1]
        assertThat(xenFault(PvFixture.pv64(), PfErrorCode.P | PfErrorCode.W, va, true, pteAddr(L3, 1),
                e(0x40000, UP | Pte.PSE))).isEqualTo(Fix.fixed("spurious"));
    }

    @Test
    @DisplayName("pv.2.4 vCPU 1's LDT page goes in vCPU 1's shadow slots (per-domain L1 entry 1*32+16+page): its "
            + "second descriptor load completes without a fault; vCPU 0's slots stay empty")
    void secondVcpuLdtSlot() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1, 7, e(NEWDATA, P | US | A));
        xpf.model.scenario.Scenario one = f.scenario(List.of());
        xpf.model.scenario.DomainSpec g = one.domains().get(0);
        xpf.model.scenario.DomainSpec two = new xpf.model.scenario.DomainSpec(g.name(), g.kind(), g.paging(),
                g.hardwareDomain(), g.vmAssist(), g.frames(), g.spareFrames(), g.pageTables(), g.mappings(),
                g.memory(), List.of(g.vcpus().get(0), g.vcpus().get(0)), g.trapTable(), g.p2m(), g.devices(),
                g.params());
        long vcpu1Ldt = PvLayout.GDT_LDT_VIRT_START + (1L << PvLayout.GDT_LDT_VCPU_VA_SHIFT) + 0x10000;
        List<Step> steps = List.of(
                onVcpu1(mmuext(DoMmuextOp.SET_LDT, 0x7000, 16)), onVcpu1(implicitRead(vcpu1Ldt + 8)),
                onVcpu1(implicitRead(vcpu1Ldt + 8)));
        List<xpf.model.scenario.DomainSpec> doms = new java.util.ArrayList<>(one.domains());
        doms.set(0, two);
        ScenarioRunner.Run r = xpf.sim.scenario.ScenarioRunner.run(new xpf.model.scenario.Scenario(one.version(),
                one.name(), one.description(), one.tags(), one.machine(), one.bugs(), doms, steps));
        assertThat(outcome(r, 1)).isFixed("ldt_mapped");
        assertThat(outcome(r, 2)).isCompleted();
        assertThat(PvFixture.view(r).vcpus().get(1).ldtShadow().get(0)).isEqualTo(NEWDATA);
        assertThat(PvFixture.view(r).vcpus().get(0).ldtShadow()).containsOnly(0L);
    }

    @Test
    @DisplayName("pv.2.4 the LDT's second page goes in shadow slot 1 (per-domain L1 entry 16+1 for vCPU 0): its "
            + "second descriptor load completes without a fault")
    void secondLdtPageSlot() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1, 7, e(NEWDATA, P | US | A)).pte(L1, 8, e(COW, P | US | A)); // LDT pages at va 0x7000, 0x8000
        ScenarioRunner.Run r = f.run(mmuext(DoMmuextOp.SET_LDT, 0x7000, 1024),
                implicitRead(FixupPathTest.LDT_AREA + 0x1008), implicitRead(FixupPathTest.LDT_AREA + 0x1008));
        assertThat(outcome(r, 1)).isFixed("ldt_mapped");
        assertThat(outcome(r, 2)).isCompleted();
        assertThat(PvFixture.view(r).vcpus().get(0).ldtShadow().subList(0, 3)).containsExactly(0L, COW, 0L);
    }

    static Step onVcpu1(Step s) {
        return new Step(s.domain(), 1, s.op(), s.knobs(), s.expect(), s.note(), s.line());
    }
}
