package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.FaultDecisionPointsTest.calls;
import static xpf.sim.xen.pv.HypercallEdgesTest.uvm;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.NEWDATA;
import static xpf.sim.xen.pv.PvFixture.UP;
import static xpf.sim.xen.pv.PvFixture.e;
import static xpf.sim.xen.pv.PvFixture.pteAddr;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.Operation;
import xpf.model.scenario.Outcome;
import xpf.model.scenario.Scenario;
import xpf.model.scenario.Step;
import xpf.sim.scenario.ScenarioRunner;

/**
 * The flush flags of {@code HYPERVISOR_update_va_mapping} seen from a second vCPU ({@code __do_update_va_mapping},
 * xen/arch/x86/mm.c, 4.22; {@code UVMF_*} in xen/include/public/xen.h): the flush type is {@code flags & 3}
 * (1 = TLB flush, 2 = INVLPG of the va); the rest of the flags selects whom: 0 = {@code UVMF_LOCAL} (only the
 * calling CPU), {@code UVMF_ALL} (4) = every CPU the domain is dirty on, anything else a vCPU mask (the model takes
 * every vCPU). A stale translation of va 0x1000 cached by vCPU 1 shows which TLBs were flushed: vCPU 1 reads
 * 0x1000, L1[1] is cleared behind Xen's back, vCPU 0 calls {@code update_va_mapping(0x7000 or 0x1000, ...)}, vCPU 1
 * reads 0x1000 again (completes = its TLB entry survived; #PF = it was flushed).
 */
class TwoVcpuFlushTest {

    /** The fixture's scenario with the guest's one vCPU duplicated (vCPU 1 is a copy of vCPU 0). */
    static ScenarioRunner.Run runTwoVcpus(PvFixture f, List<Step> steps) {
        Scenario s = f.scenario(steps);
        List<DomainSpec> doms = new ArrayList<>();
        for (DomainSpec d : s.domains()) {
            if (d.name().equals("guest")) {
                d = new DomainSpec(d.name(), d.kind(), d.paging(), d.hardwareDomain(), d.vmAssist(), d.frames(),
                        d.spareFrames(), d.pageTables(), d.mappings(), d.memory(),
                        List.of(d.vcpus().get(0), d.vcpus().get(0)), d.trapTable(), d.p2m(), d.devices(), d.params());
            }
            doms.add(d);
        }
        return ScenarioRunner.run(new Scenario(s.version(), s.name(), s.description(), s.tags(), s.machine(), s.bugs(),
                doms, s.steps()));
    }

    static Step on(int vcpu, Operation op) {
        return new Step("guest", vcpu, op, null, null, null, 0);
    }

    /**
     * vCPU 1's second read of 0x1000 after vCPU 0's {@code update_va_mapping(va, val, flags)}: va 0x7000 gets NEWDATA
     * (a page nobody has cached), va 0x1000 gets 0 (the entry stays empty, so a flushed vCPU 1 faults).
     */
    static Outcome secondVcpuAfter(long va, long flags) {
        long val = va == 0x1000 ? 0 : e(NEWDATA, UP);
        ScenarioRunner.Run r = runTwoVcpus(PvFixture.pv64(), List.of(on(1, GuestAccess.read(0x1000)),
                on(0, new HostWrite(pteAddr(L1, 1), 8, 0)), uvm(va, val, flags),
                on(1, GuestAccess.read(0x1000))));
        assertThat(r.steps().get(2).outcome()).returned("update_va_mapping", 0);
        return r.steps().get(3).outcome();
    }

    @Test
    @DisplayName("pv.4.7 UVMF_TLB_FLUSH|UVMF_LOCAL flushes the caller only: another vCPU keeps its stale entry")
    void localTlbFlushLeavesTheOtherVcpu() {
        assertThat(secondVcpuAfter(0x7000, DoUpdateVaMapping.UVMF_TLB_FLUSH)).isCompleted();
    }

    @Test
    @DisplayName("pv.4.7 UVMF_TLB_FLUSH|UVMF_ALL flushes every vCPU of the domain")
    void allTlbFlushReachesTheOtherVcpu() {
        assertThat(secondVcpuAfter(0x7000, DoUpdateVaMapping.UVMF_TLB_FLUSH | DoUpdateVaMapping.UVMF_ALL))
                .isDeliveredPageFault(0, 0x1000);
    }

    @Test
    @DisplayName("pv.4.7 UVMF_TLB_FLUSH with a vCPU mask (flags above bit 2) flushes the other vCPUs too")
    void maskedTlbFlushReachesTheOtherVcpu() {
        assertThat(secondVcpuAfter(0x7000, DoUpdateVaMapping.UVMF_TLB_FLUSH | 0x1000))
                .isDeliveredPageFault(0, 0x1000);
    }

    @Test
    @DisplayName("pv.4.7 UVMF_INVLPG|UVMF_LOCAL of the va: another vCPU keeps its stale entry for it")
    void localInvlpgLeavesTheOtherVcpu() {
        assertThat(secondVcpuAfter(0x1000, DoUpdateVaMapping.UVMF_INVLPG)).isCompleted();
    }

    @Test
    @DisplayName("pv.4.7 UVMF_INVLPG|UVMF_ALL of the va reaches every vCPU; of another va it does not")
    void allInvlpgReachesTheOtherVcpu() {
        assertThat(secondVcpuAfter(0x1000, DoUpdateVaMapping.UVMF_INVLPG | DoUpdateVaMapping.UVMF_ALL))
                .isDeliveredPageFault(0, 0x1000);
        assertThat(secondVcpuAfter(0x7000, DoUpdateVaMapping.UVMF_INVLPG | DoUpdateVaMapping.UVMF_ALL))
                .isCompleted();
    }

    @Test
    @DisplayName("pv.4.7 the domain-wide flushes are recorded (flush_tlb_mask / flush_tlb_one_mask); local ones are not")
    void flushRecords() {
        ScenarioRunner.Run all = runTwoVcpus(PvFixture.pv64(), List.of(uvm(0x7000, e(NEWDATA, UP),
                DoUpdateVaMapping.UVMF_TLB_FLUSH | DoUpdateVaMapping.UVMF_ALL)));
        assertThat(calls(all, 0, "flush_tlb_mask")).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("why", "update_va_mapping UVMF_TLB_FLUSH|UVMF_ALL"));
        ScenarioRunner.Run local = runTwoVcpus(PvFixture.pv64(), List.of(uvm(0x7000, e(NEWDATA, UP),
                DoUpdateVaMapping.UVMF_TLB_FLUSH)));
        assertThat(calls(local, 0, "flush_tlb_mask")).isEmpty();
        ScenarioRunner.Run one = runTwoVcpus(PvFixture.pv64(), List.of(uvm(0x7000, e(NEWDATA, UP),
                DoUpdateVaMapping.UVMF_INVLPG | DoUpdateVaMapping.UVMF_ALL)));
        assertThat(calls(one, 0, "flush_tlb_one_mask")).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("va", "0x7000"));
    }
}
