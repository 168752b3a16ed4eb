package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static xpf.sim.xen.pv.FaultDecisionPointsTest.xenFault;
import static xpf.sim.xen.pv.PvFixture.A;
import static xpf.sim.xen.pv.PvFixture.DATA;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.P;
import static xpf.sim.xen.pv.PvFixture.RW;
import static xpf.sim.xen.pv.PvFixture.UP;
import static xpf.sim.xen.pv.PvFixture.US;
import static xpf.sim.xen.pv.PvFixture.e;
import static xpf.sim.xen.pv.PvFixture.pteAddr;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.x86.PfErrorCode;
import xpf.sim.trace.Trace;

/**
 * {@code spurious_page_fault} / {@code __page_fault_type} (xen-pv-fault-path.md §2.6; xen/arch/x86/traps.c, 4.22)
 * for Xen-context faults whose error code asks for more than one right at once: a user-mode write (W|U) needs RW
 * <em>and</em> USER at every level; a supervisor fetch (I) with NX absent on a user page is SMEP, a user-mode fetch
 * (I|U) of a user page is neither SMEP nor SMAP. Each is run through {@code handle_PF} from a Xen site with an
 * exception-table entry, so "real" shows as the extable fixup and "spurious" as a silent retry.
 */
class SpuriousRewalkEdgesTest {

    static final int PWU = PfErrorCode.P | PfErrorCode.W | PfErrorCode.U;

    @Test
    @DisplayName("pv.2.6 a W|U fault on a leaf with RW but no USER is real (USER is required as well as RW)")
    void userWriteNeedsUserAsWellAsRw() {
        assertThat(xenFault(PvFixture.pv64(), PWU, 0x9000, true, pteAddr(L1, 9), e(DATA, P | RW | A)).kind())
                .isEqualTo(Fix.Kind.EXTABLE);
    }

    @Test
    @DisplayName("pv.2.6 a W|U fault on a leaf with USER but no RW is real (RW is required as well as USER)")
    void userWriteNeedsRwAsWellAsUser() {
        assertThat(xenFault(PvFixture.pv64(), PWU, 0x9000, true, pteAddr(L1, 9), e(DATA, P | US | A)).kind())
                .isEqualTo(Fix.Kind.EXTABLE);
        // Both present at every level: the fault was a stale TLB entry.
        assertThat(xenFault(PvFixture.pv64(), PWU, 0x9000, true, pteAddr(L1, 9), e(DATA, UP)))
                .isEqualTo(Fix.fixed("spurious"));
    }

    @Test
    @DisplayName("pv.2.6 a user-mode fetch (I|U) of a user page is spurious: SMEP is about supervisor fetches only")
    void userFetchIsNotSmep() {
        assertThat(xenFault(PvFixture.pv64(), PfErrorCode.P | PfErrorCode.I | PfErrorCode.U, 0x1000, false))
                .isEqualTo(Fix.fixed("spurious"));
    }

    @Test
    @DisplayName("pv.2.6 a supervisor write to a user page with AC clear is SMAP: panic before the exception table")
    void supervisorWriteToUserPageIsSmap() {
        assertThatThrownBy(() -> xenFault(PvFixture.pv64(), PfErrorCode.P | PfErrorCode.W, 0x1000, false))
                .isInstanceOf(PvFatal.Panic.class).hasMessageContaining("SMAP");
    }

    @Test
    @DisplayName("pv.2.6 the re-walk's verdict is recorded: spurious_page_fault result=... va=...")
    void verdictIsTraced() {
        PvDomain d = FatalOutcomesTest.guest(PvFixture.pv64().run());
        Trace t = new Trace();
        d.useTrace(t);
        PfRegs regs = PfRegs.xen(PfErrorCode.P | PfErrorCode.W, XenSite.COPY_FROM_GUEST, true);
        assertThat(d.traps().handlePF(d.vcpu(0), regs, 0x5000).kind()).isEqualTo(Fix.Kind.EXTABLE);
        assertThat(t.render()).contains("spurious_page_fault result=real_fault va=0x5000")
                .contains("extable_fixup result=fixed site=copy_from_guest");
    }
}
