package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.P2mSpec;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.xen.mm.FrameTable;
import xpf.sim.xen.mm.p2m.P2mEntry;

/**
 * Building an HVM domain's memory: machine frames below MAXPHYADDR for its RAM, MMIO frames ({@code p2m_mmio_direct})
 * owned by DOMID_IO as in Xen (MMIO pages belong to {@code dom_io}), and p2m entries the scenario restates.
 */
class HvmDomainBuildTest {

    static HvmDomain dom(ScenarioRunner.Run r) {
        return (HvmDomain) r.domains().get("guest");
    }

    @Test
    @DisplayName("x86 §4.1.4 MAXPHYADDR: an HVM domain's RAM is in machine frames below 2^MAXPHYADDR (the smallest "
            + "machine, 36 bits), each owned by the domain")
    void framesBelowMaxPhyAddr() {
        HvmFixture bigger = svm().map(DATA_VA, "data", USER_RW).mem("data", 0, 0x42);
        bigger.maxPhyAddr = 36;
        ScenarioRunner.Run r = bigger.run(step(read(DATA_VA)));
        Expect.step(r, 0, OutcomeClass.FIXED);
        HvmDomain d = dom(r);
        for (P2mEntry e : d.view().p2m()) {
            if (e.mfnValid()) {
                assertThat(e.mfn()).as("gfn 0x%x", e.gfn()).isLessThan(1L << (36 - 12));
                assertThat(d.xen().frameTable().ownerOf(e.mfn())).isEqualTo(d.domid());
            }
        }
    }

    @Test
    @DisplayName("hvm.5.2 p2m_mmio_direct: the frame is an I/O frame owned by DOMID_IO; an explicit mfn is kept, a "
            + "frame already owned keeps its owner")
    void mmioDirectFrames() {
        HvmFixture f = svm().hap();
        f.p2m.add(new P2mSpec(0x3000, null, "mmio_direct", null));
        f.p2m.add(new P2mSpec(0x3001, 0xfed00L, "mmio_direct", null));
        HvmDomain d = dom(f.run());
        P2mEntry dflt = d.p2m().lookup(0x3000);
        P2mEntry given = d.p2m().lookup(0x3001);
        assertThat(given.mfn()).isEqualTo(0xfed00L);
        assertThat(d.xen().frameTable().ownerOf(0xfed00L)).isEqualTo(FrameTable.DOMID_IO);
        assertThat(dflt.mfnValid()).isTrue();
        assertThat(dflt.mfn()).isNotEqualTo(given.mfn());
        assertThat(d.xen().frameTable().ownerOf(dflt.mfn())).isEqualTo(FrameTable.DOMID_IO);
        // the domain's own RAM frame restated as mmio_direct: Xen does not hand a domain's page to dom_io
        long ram = d.p2m().lookup(0x1010).mfn();
        HvmFixture g = svm().hap();
        g.p2m.add(new P2mSpec(0x3000, ram, "mmio_direct", null));
        HvmDomain e = dom(g.run());
        assertThat(e.xen().frameTable().ownerOf(ram)).isEqualTo(e.domid());
    }

    @Test
    @DisplayName("hvm.5.2.6 a p2m entry restating mmio_dm at a device's gfn keeps the device (accesses reach it); "
            + "another type at that gfn has no device")
    void restatedMmioDmKeepsDevice() {
        HvmFixture f = svm().hap().mapGfn(0x700000, 0x2000, USER_RW).device("dev", "regs", 0x2000, 0, 0x77);
        f.p2m.add(new P2mSpec(0x2000, null, "mmio_dm", "dev"));
        ScenarioRunner.Run r = f.run(step(read(0x700000)));
        assertThat(dom(r).p2m().lookup(0x2000).device()).isEqualTo("dev");
        Expect.step(r, 0, OutcomeClass.EMULATED, "fixup", "mmio", "value", "0x77");
        HvmFixture g = svm().hap().device("dev", "regs", 0x2000, 0, 0x77).p2m(0x2000, "ram_rw");
        assertThat(dom(g.run()).p2m().lookup(0x2000).device()).isNull();
    }
}
