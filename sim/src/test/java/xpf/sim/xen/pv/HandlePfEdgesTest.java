package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static xpf.sim.xen.pv.FaultDecisionPointsTest.calls;
import static xpf.sim.xen.pv.FaultDecisionPointsTest.fixupRow;
import static xpf.sim.xen.pv.PvFixture.A;
import static xpf.sim.xen.pv.PvFixture.DATA;
import static xpf.sim.xen.pv.PvFixture.FOREIGN;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.NEWDATA;
import static xpf.sim.xen.pv.PvFixture.P;
import static xpf.sim.xen.pv.PvFixture.RW;
import static xpf.sim.xen.pv.PvFixture.UP;
import static xpf.sim.xen.pv.PvFixture.VA_L1;
import static xpf.sim.xen.pv.PvFixture.e;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.pteAddr;
import static xpf.sim.xen.pv.PvFixture.step;
import static xpf.sim.xen.pv.PvFixture.write;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.Insn;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.PfErrorCode;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.trace.Trace;

/**
 * {@code handle_PF}, {@code fixup_page_fault} row e ({@code paging_fault}) and the ptwr write hook at edges not yet
 * pinned (xen-pv-fault-path.md §2.2, §2.3, §3.2): the shadow code checks the guest's rights at the privilege of
 * the fault (U), and fixes only a clean frame of the guest; a 32-bit guest's user mode (CS RPL 3) is not guest
 * kernel mode, so its page-table writes are never emulated; the panic and
 * SMEP/SMAP messages {@code xpf explain} shows.
 */
class HandlePfEdgesTest {

    @Test
    @DisplayName("pv.2.3e log-dirty: a user-mode (U=1) write to a supervisor-only page is the guest's fault, not fixed")
    void pagingFaultChecksRightsAtTheFaultsPrivilege() {
        // L1[9] written behind Xen's back without USER (Xen would add it); the 64-bit kernel runs in ring 3, so its
        // write faults P|W|U. The shadow code walks the guest tables as a CPL-3 write: refused.
        ScenarioRunner.Run r = PvFixture.pv64().param("log_dirty", 1).run(
                step(new HostWrite(pteAddr(L1, 9), 8, e(NEWDATA, P | RW | A))), write(0x9000, 1));
        assertThat(outcome(r, 1)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, 0x9000);
        // (the first paging_fault call is the guest's fault; later ones are Xen's bounce-frame stores)
        assertThat(calls(r, 1, "paging_fault")).first()
                .satisfies(c -> assertThat(c).containsEntry("why", "guest tables refuse it"));
        assertThat(PvFixture.view(r).dirtyFrames()).doesNotContain(NEWDATA);
    }

    /** paging_fault called directly for a Xen-context write (U=0) to {@code va} of a log-dirty guest. */
    static Fix pagingFault(PvFixture f, long va, long pa, long value) {
        PvDomain d = FatalOutcomesTest.guest(f.param("log_dirty", 1).run());
        if (pa != 0) {
            d.memory().writeWord(pa, value);
        }
        d.useTrace(new Trace());
        Fix fx = d.traps().pagingFault(d.vcpu(0), va, PfRegs.xen(PfErrorCode.P | PfErrorCode.W,
                XenSite.COPY_FROM_GUEST, true));
        lastTrace = d.trace().render();
        return fx;
    }

    /** The trace of the last {@link #pagingFault} call. */
    static String lastTrace;

    @Test
    @DisplayName("pv.2.3e paging_fault fixes only a clean frame owned by the guest: dirty or foreign frames are not")
    void pagingFaultNeedsACleanFrameOfTheGuest() {
        // A clean frame of the guest: marked dirty, fixed.
        assertThat(pagingFault(PvFixture.pv64(), 0x1000, 0, 0)).isEqualTo(Fix.fixed("paging"));
        assertThat(lastTrace).contains("paging_fault result=fixed mark_dirty=0x" + Long.toHexString(DATA));
        // L1[9] mapping the other domain's frame: not the guest's.
        assertThat(pagingFault(PvFixture.pv64(), 0x9000, pteAddr(L1, 9), e(FOREIGN, UP))).isEqualTo(Fix.NOT_FIXED);
        assertThat(lastTrace).contains("why=not a clean frame of the guest");
    }

    @Test
    @DisplayName("pv.2.3e a second write fault on a frame already dirty is not paging_fault's (not fixed again)")
    void alreadyDirtyFrameIsNotFixedAgain() {
        PvDomain d = FatalOutcomesTest.guest(PvFixture.pv64().param("log_dirty", 1).run(write(0x1000, 5)));
        assertThat(d.isDirty(DATA)).isTrue();
        d.useTrace(new Trace());
        PfRegs regs = PfRegs.xen(PfErrorCode.P | PfErrorCode.W, XenSite.COPY_FROM_GUEST, true);
        assertThat(d.traps().pagingFault(d.vcpu(0), 0x1000, regs)).isEqualTo(Fix.NOT_FIXED);
        assertThat(d.trace().render()).contains("why=not a clean frame of the guest");
    }

    @Test
    @DisplayName("pv.2.3e a reserved-bit write fault is not the shadow code's (3.1: then forwarded with RSVD)")
    void reservedBitWriteIsNotAPagingFault() {
        ScenarioRunner.Run r = PvFixture.pv64().profile(XenProfile.XEN_3_1).param("log_dirty", 1).run(
                step(new HostWrite(pteAddr(L1, 9), 8, e(NEWDATA, UP) | (1L << 45))), write(0x9000, 1));
        assertThat(outcome(r, 1)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W | PfErrorCode.RSVD, 0x9000);
        assertThat(calls(r, 1, "paging_fault")).first()
                .satisfies(c -> assertThat(c).containsEntry("result", "0").containsEntry("why", "not a write"));
    }

    @Test
    @DisplayName("pv.2.3d 32-bit: a user-mode (ring 3) write to a page table is not guest kernel mode: forwarded with U")
    void thirtyTwoBitUserWriteIsNotPtwr() {
        PvFixture f = PvFixture.pv32();
        f.kernelMode = false; // ring 3 (CS 0xe02b); 32-bit guests share one set of tables
        f.pte(L1, 3, e(L1, P | PvFixture.US | A)); // the L1 readable by user mode
        ScenarioRunner.Run r = f.run(write(VA_L1 + 16, 8, e(NEWDATA, UP), Insn.MOV));
        assertThat(outcome(r, 0)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W | PfErrorCode.U, VA_L1 + 16);
        assertThat(calls(r, 0, "pv_ro_page_fault")).isEmpty();
        assertThat(fixupRow(r, 0)).containsEntry("row", "f");
    }


    @Test
    @DisplayName("pv.2.2 the panic messages: FATAL PAGE FAULT with error code and address; Xen SMEP/SMAP violation")
    void panicMessagesAreTraced() {
        PvDomain d = FatalOutcomesTest.guest(PvFixture.pv64().run());
        Trace t = new Trace();
        d.useTrace(t);
        PfRegs unprotected = PfRegs.xen(PfErrorCode.P | PfErrorCode.W, XenSite.UNPROTECTED, true);
        assertThatThrownBy(() -> d.traps().handlePF(d.vcpu(0), unprotected, 0x5008))
                .isInstanceOf(PvFatal.Panic.class).hasMessageContaining("cr2=0x5008");
        assertThat(t.render()).contains("FATAL PAGE FAULT [error_code=0003] Faulting linear address: 0x5008");
        Trace smep = new Trace();
        d.useTrace(smep);
        assertThatThrownBy(() -> d.traps().handlePF(d.vcpu(0), PfRegs.xen(PfErrorCode.P | PfErrorCode.I,
                XenSite.COPY_FROM_GUEST, true), 0x1000)).isInstanceOf(PvFatal.Panic.class);
        assertThat(smep.render()).contains("Xen SMEP violation");
        Trace smap = new Trace();
        d.useTrace(smap);
        assertThatThrownBy(() -> d.traps().handlePF(d.vcpu(0), PfRegs.xen(PfErrorCode.P, XenSite.COPY_FROM_GUEST,
                false), 0x1000)).isInstanceOf(PvFatal.Panic.class);
        assertThat(smap.render()).contains("Xen SMAP violation");
    }

}
