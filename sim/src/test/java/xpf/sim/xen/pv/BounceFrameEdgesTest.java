package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.PvFixture.HANDLER32;
import static xpf.sim.xen.pv.PvFixture.STACK;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.read;
import static xpf.sim.xen.pv.PvFixture.step;
import static xpf.sim.xen.pv.PvFixture.word;
import static xpf.sim.xen.pv.PvFixture.write;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.Step;
import xpf.model.x86.PfErrorCode;
import xpf.sim.scenario.ScenarioRunner;

/**
 * {@code create_bounce_frame} / {@code compat_create_bounce_frame} (xen-pv-fault-path.md §5.4, §5.5) checked in guest
 * memory rather than in the frame the model reports: every slot is written (the stack is filled with a marker
 * first, so a slot Xen forgot to write would still show it), the error code, R11 and RCX at the bottom of a 64-bit
 * frame, ESP and SS above a 32-bit ring-3 frame; the live RFLAGS after the bounce (AC, TF cleared), the IOPL field
 * with the architectural-IOPL assist, and the upcall mask in a 32-bit frame's CS slot (bits 16-23).
 */
class BounceFrameEdgesTest {
    static final long MARK = 0x5a5a5a5a5a5a5a5aL;

    /** Steps that fill {@code words} words below machine address {@code top} with the marker. */
    static List<Step> fill(long top, int words) {
        List<Step> s = new ArrayList<>();
        for (int i = 1; i <= words; i++) {
            s.add(step(new HostWrite(top - 8L * i, 8, MARK)));
        }
        return s;
    }

    static ScenarioRunner.Run run(PvFixture f, List<Step> pre, Step fault) {
        List<Step> all = new ArrayList<>(pre);
        all.add(fault);
        return f.run(all.toArray(new Step[0]));
    }

    @Test
    @DisplayName("pv.5.4 64-bit: error code, R11 and RCX are written at base-48, base-56, base-64 (no stale words)")
    void sixtyFourBitBottomSlotsAreWritten() {
        long base = (STACK << 12) + 0x800; // rsp 0x6800 -> base 0x6800
        ScenarioRunner.Run r = run(PvFixture.pv64(), fill(base, 8), write(0x5000, 1));
        int n = 8;
        assertThat(outcome(r, n)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, 0x5000);
        assertThat(word(r, base - 48)).as("error code").isEqualTo(PfErrorCode.P | PfErrorCode.W);
        assertThat(word(r, base - 56)).as("R11").isZero();
        assertThat(word(r, base - 64)).as("RCX").isZero();
        for (int i = 1; i <= 8; i++) {
            assertThat(word(r, base - 8L * i)).as("slot base-%d", 8 * i).isNotEqualTo(MARK);
        }
    }

    @Test
    @DisplayName("pv.5.4 64-bit: after the bounce RFLAGS has AC and TF cleared; the frame keeps the interrupted value")
    void liveRflagsAreCleanedUp() {
        PvFixture f = PvFixture.pv64();
        f.rflags = 0x40302; // AC | IF | TF
        ScenarioRunner.Run r = f.run(read(0x9000));
        assertThat(outcome(r, 0)).hasFrameSlot("rflags", 0x40302);
        assertThat(PvFixture.view(r).vcpus().get(0).rflags()).isEqualTo(0x202);
    }

    @Test
    @DisplayName("pv.5.4 with the architectural-IOPL assist the frame's IOPL is the virtual IOPL (here 0)")
    void architecturalIoplZero() {
        PvFixture f = PvFixture.pv64();
        f.assists.add("architectural_iopl");
        f.rflags = 0x3202; // a guest RFLAGS image with IOPL 3 is not what the frame shows
        assertThat(f.last(read(0x9000))).hasFrameSlot("rflags", 0x202);
        PvFixture g = PvFixture.pv32();
        g.assists.add("architectural_iopl");
        g.rflags = 0x3202;
        assertThat(g.last(read(0x9000))).hasFrameSlot("eflags", 0x202);
    }

    @Test
    @DisplayName("pv.5.5 32-bit from ring 3: ESP and SS of the interrupted context are stored above EFLAGS")
    void compatRing3StoresEspAndSs() {
        PvFixture f = PvFixture.pv32();
        f.kernelMode = false;
        f.rsp = 0x1_bfff_0000L; // only the low 32 bits are the guest's ESP
        long top = (STACK << 12) + 0x1000; // kernel_sp 0x7000 = the top of the stack page
        ScenarioRunner.Run r = run(f, fill(top, 4), read(0x9000));
        int n = 4;
        assertThat(outcome(r, n)).isDeliveredPageFault(PfErrorCode.U, 0x9000);
        PvDomain d = FatalOutcomesTest.guest(r);
        assertThat(d.memory().read(top - 8, 4)).as("ESP").isEqualTo(0xbfff0000L);
        assertThat(d.memory().read(top - 4, 4)).as("SS").isEqualTo(0xe033L);
        assertThat(d.memory().read(top - 24, 4)).as("error code").isEqualTo(PfErrorCode.U);
        assertThat(PvFixture.view(r).vcpus().get(0).rip()).isEqualTo(HANDLER32);
    }

    @Test
    @DisplayName("pv.5.5 32-bit: the old upcall mask is in CS bits 16-23; a disabling trap gate masks events")
    void compatUpcallMask() {
        assertThat(PvFixture.pv32().param("upcall_mask", 1).last(read(0x9000))).hasFrameSlot("cs", 0x1e019L)
                .hasFrameSlot("eflags", 0x2);
        PvFixture g = PvFixture.pv32().trap(14, 0xe019, HANDLER32, 4);
        ScenarioRunner.Run r = g.run(read(0x9000));
        assertThat(outcome(r, 0)).hasFrameSlot("cs", 0xe019).hasFrameSlot("eflags", 0x202);
        assertThat(PvFixture.view(r).vcpus().get(0).upcallMask()).isEqualTo(1);
        ScenarioRunner.Run plain = PvFixture.pv32().run(read(0x9000));
        assertThat(PvFixture.view(plain).vcpus().get(0).upcallMask()).isZero();
    }

    @Test
    @DisplayName("pv.5.5 32-bit: after the bounce TF is cleared in the live EFLAGS; the frame keeps it")
    void compatLiveEflags() {
        PvFixture f = PvFixture.pv32();
        f.rflags = 0x302; // IF | TF
        ScenarioRunner.Run r = f.run(read(0x9000));
        assertThat(outcome(r, 0)).hasFrameSlot("eflags", 0x302);
        assertThat(PvFixture.view(r).vcpus().get(0).rflags()).isEqualTo(0x202);
    }
}
