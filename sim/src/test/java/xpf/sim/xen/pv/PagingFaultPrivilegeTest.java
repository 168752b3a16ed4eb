package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.PvFixture.A;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.NEWDATA;
import static xpf.sim.xen.pv.PvFixture.P;
import static xpf.sim.xen.pv.PvFixture.RW;
import static xpf.sim.xen.pv.PvFixture.e;
import static xpf.sim.xen.pv.PvFixture.pteAddr;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code paging_fault} (xen/arch/x86/include/asm/paging.h → the shadow fault handler, 3.1 and 4.22;
 * xen-pv-fault-path.md §2.3 row e) walks the guest's tables with the privilege of the fault: a supervisor write
 * (error code U = 0, e.g. Xen's own copy to the guest) to a supervisor-only page is allowed, so a clean frame there is
 * marked dirty and the fault fixed. (The user-privilege counterpart is HandlePfEdgesTest's
 * pagingFaultChecksRightsAtTheFaultsPrivilege.)
 */
class PagingFaultPrivilegeTest {

    @Test
    @DisplayName("pv.2.3e a supervisor (U=0) write to a supervisor-only page of a log-dirty guest is fixed")
    void supervisorWriteToSupervisorPageIsFixed() {
        // L1[9] → NEWDATA without USER, written behind Xen's back after the build (Xen would add USER for 64-bit).
        Fix f = HandlePfEdgesTest.pagingFault(PvFixture.pv64(), 0x9000, pteAddr(L1, 9), e(NEWDATA, P | RW | A));
        assertThat(f).isEqualTo(Fix.fixed("paging"));
        assertThat(HandlePfEdgesTest.lastTrace).contains("paging_fault result=fixed mark_dirty=0x"
                + Long.toHexString(NEWDATA));
    }
}
