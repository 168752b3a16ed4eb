package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.MmuUpdateRecordsTest.hex;
import static xpf.sim.xen.pv.MmuUpdateRecordsTest.only;
import static xpf.sim.xen.pv.PvFixture.A;
import static xpf.sim.xen.pv.PvFixture.DATA;
import static xpf.sim.xen.pv.PvFixture.FOREIGN;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.L4;
import static xpf.sim.xen.pv.PvFixture.NEWDATA;
import static xpf.sim.xen.pv.PvFixture.P;
import static xpf.sim.xen.pv.PvFixture.STACK;
import static xpf.sim.xen.pv.PvFixture.US;
import static xpf.sim.xen.pv.PvFixture.e;
import static xpf.sim.xen.pv.PvFixture.frame;
import static xpf.sim.xen.pv.PvFixture.implicitRead;
import static xpf.sim.xen.pv.PvFixture.mmuext;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.pteAddr;
import static xpf.sim.xen.pv.PvFixture.step;
import static xpf.sim.xen.pv.PvFixture.word;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.Errno;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.Step;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.xen.mm.PageType;

/**
 * {@code do_mmuext_op} commands at the edges the other tests leave open (xen-pv-fault-path.md §4.6;
 * xen/arch/x86/mm.c and {@code new_guest_cr3} in xen/arch/x86/pv/mm.c, 4.22): CLEAR_PAGE on its own, COPY_PAGE of
 * exactly one page and from a frame the caller does not own, NEW_BASEPTR dropping the LDT shadow mappings and
 * recording its result, NEW_USER_BASEPTR with a frame that cannot be an L4.
 */
class MmuextEdgesTest {

    static Step host(long pa, long value) {
        return step(new HostWrite(pa, 8, value));
    }

    @Test
    @DisplayName("pv.4.6 MMUEXT_CLEAR_PAGE zeroes the frame")
    void clearPageZeroes() {
        ScenarioRunner.Run r = PvFixture.pv64().run(host(pteAddr(NEWDATA, 9), 0xabcd),
                mmuext(DoMmuextOp.CLEAR_PAGE, NEWDATA, 0));
        assertThat(outcome(r, 1)).returned("mmuext_op", 0);
        assertThat(word(r, pteAddr(NEWDATA, 9))).isZero();
    }

    @Test
    @DisplayName("pv.4.6 MMUEXT_COPY_PAGE copies the 4 KiB page only: the frame after the destination is untouched")
    void copyPageCopiesOnePage() {
        ScenarioRunner.Run r = PvFixture.pv64().run(host(pteAddr(DATA, 0), 0x4444), host(pteAddr(DATA, 511), 0x4545),
                host(pteAddr(NEWDATA, 0), 0x7777), host(pteAddr(STACK, 0), 0x5555),
                mmuext(DoMmuextOp.COPY_PAGE, NEWDATA, DATA));
        assertThat(outcome(r, 4)).returned("mmuext_op", 0);
        assertThat(word(r, pteAddr(NEWDATA, 0))).isEqualTo(0x4444);
        assertThat(word(r, pteAddr(NEWDATA, 511))).isEqualTo(0x4545);
        assertThat(word(r, pteAddr(STACK, 0))).isEqualTo(0x5555);
    }

    @Test
    @DisplayName("pv.4.6 MMUEXT_COPY_PAGE from frame 0 (Xen's) is -EINVAL; the destination keeps its contents")
    void copyFromFrameZeroRefused() {
        ScenarioRunner.Run r = PvFixture.pv64().run(host(pteAddr(NEWDATA, 9), 0xabcd),
                mmuext(DoMmuextOp.COPY_PAGE, NEWDATA, 0));
        assertThat(outcome(r, 1)).returned("mmuext_op", -Errno.EINVAL);
        assertThat(word(r, pteAddr(NEWDATA, 9))).isEqualTo(0xabcd);
        assertThat(frame(r, NEWDATA)).hasNoTypeInUse().hasCount(0);
    }

    @Test
    @DisplayName("pv.4.6 MMUEXT_NEW_BASEPTR destroys the LDT shadow mappings (the LDT page loses its type)")
    void newBaseptrDropsTheLdtShadow() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1, 7, e(NEWDATA, P | US | A));
        ScenarioRunner.Run r = f.run(mmuext(DoMmuextOp.SET_LDT, 0x7000, 16),
                implicitRead(PvLayout.GDT_LDT_VIRT_START + 0x10008), mmuext(DoMmuextOp.NEW_BASEPTR, L4, 0));
        assertThat(outcome(r, 2)).returned("mmuext_op", 0);
        assertThat(frame(r, NEWDATA)).hasNoTypeInUse();
        assertThat(PvFixture.view(r).vcpus().get(0).ldtShadow()).allMatch(m -> m == 0L);
        assertThat(only(r, 2, "new_guest_cr3")).containsEntry("mfn", hex(L4)).containsEntry("result", "0");
        assertThat(frame(r, L4)).hasType(PageType.L4_PAGE_TABLE, 1);
    }

    @Test
    @DisplayName("pv.4.6 MMUEXT_NEW_BASEPTR with another domain's frame: -EINVAL, recorded with the reason")
    void newBaseptrForeign() {
        ScenarioRunner.Run r = PvFixture.pv64().run(mmuext(DoMmuextOp.NEW_BASEPTR, FOREIGN, 0));
        assertThat(outcome(r, 0)).returned("mmuext_op", -Errno.EINVAL);
        assertThat(only(r, 0, "new_guest_cr3")).containsEntry("mfn", hex(FOREIGN)).containsEntry("result", "-EINVAL");
        assertThat(only(r, 0, "do_mmuext_op")).containsEntry("why",
                "frame " + hex(FOREIGN) + " is owned by d2, not d1");
        assertThat(PvFixture.view(r).vcpus().get(0).guestTable()).isEqualTo(L4);
    }

    @Test
    @DisplayName("pv.4.6 MMUEXT_NEW_USER_BASEPTR with a frame mapped writable (cannot be an L4): refused, nothing set")
    void newUserBaseptrRefused() {
        ScenarioRunner.Run r = PvFixture.pv64().run(mmuext(DoMmuextOp.NEW_USER_BASEPTR, DATA, 0));
        assertThat(outcome(r, 0)).returned("mmuext_op", -Errno.EINVAL);
        assertThat(PvFixture.view(r).vcpus().get(0).guestTableUser()).isZero();
        assertThat(frame(r, DATA)).hasType(PageType.WRITABLE, 1);
    }
}
