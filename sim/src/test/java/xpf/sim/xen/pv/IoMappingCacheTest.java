package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.PvFixture.A;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.P;
import static xpf.sim.xen.pv.PvFixture.US;
import static xpf.sim.xen.pv.PvFixture.e;
import static xpf.sim.xen.pv.PvFixture.mmuUpdate;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.pteAddr;
import static xpf.sim.xen.pv.PvFixture.word;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.XenProfile;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.x86.EntryBits;

/**
 * {@code get_page_from_l1e} on I/O memory (xen-pv-fault-path.md §3.3 rule 2; xen/arch/x86/mm.c, 4.22): the domain
 * needs I/O-memory permission for the frame, holds no reference on it, and cacheable memory types are flipped to UC.
 * With Xen's PAT (index = PAT·4 + PCD·2 + PWT: 0 WB, 1 WT, 2 UC-, 3 UC, 4 WC, 5 WP) the cacheable types are WB, WT
 * and WP; each becomes index 3 (PCD|PWT). UC-, UC and WC are left alone. Xen 3.1 had no such flip.
 */
class IoMappingCacheTest {
    static final long IO = 0xfee00;
    static final long PWT = EntryBits.PWT;
    static final long PCD = EntryBits.PCD;
    static final long PAT = EntryBits.PAT_4K;

    /** The L1[9] entry stored by mmu_update for a mapping of the I/O frame with these cache bits (4.22). */
    static long stored(XenProfile p, long cacheBits) {
        ScenarioRunner.Run r = PvFixture.pv64().profile(p).param("mmio_mfn", IO).run(mmuUpdate(pteAddr(L1, 9),
                e(IO, P | US | A | cacheBits)));
        assertThat(outcome(r, 0)).returned("mmu_update", 0);
        return word(r, pteAddr(L1, 9)) & (PWT | PCD | PAT);
    }

    @Test
    @DisplayName("pv.3.3 I/O mapping: write-back, write-through and write-protect become UC (PCD|PWT)")
    void cacheableTypesBecomeUncacheable() {
        assertThat(stored(XenProfile.XEN_4_22, 0)).as("WB").isEqualTo(PCD | PWT);
        assertThat(stored(XenProfile.XEN_4_22, PWT)).as("WT").isEqualTo(PCD | PWT);
        assertThat(stored(XenProfile.XEN_4_22, PAT | PWT)).as("WP").isEqualTo(PCD | PWT);
    }

    @Test
    @DisplayName("pv.3.3 I/O mapping: UC-, UC and WC are kept as the guest wrote them")
    void uncacheableTypesAreKept() {
        assertThat(stored(XenProfile.XEN_4_22, PCD)).as("UC-").isEqualTo(PCD);
        assertThat(stored(XenProfile.XEN_4_22, PCD | PWT)).as("UC").isEqualTo(PCD | PWT);
        assertThat(stored(XenProfile.XEN_4_22, PAT)).as("WC").isEqualTo(PAT);
    }

    @Test
    @DisplayName("pv.8 3.1 stored an I/O mapping's cache bits unchanged")
    void xen31DoesNotFlip() {
        assertThat(stored(XenProfile.XEN_3_1, 0)).isZero();
        assertThat(stored(XenProfile.XEN_3_1, PWT)).isEqualTo(PWT);
    }

    @Test
    @DisplayName("pv.3.3 an I/O mapping holds no frame reference; replacing it drops none")
    void ioMappingHoldsNoReference() {
        ScenarioRunner.Run r = PvFixture.pv64().param("mmio_mfn", IO).run(
                mmuUpdate(pteAddr(L1, 9), e(IO, P | US | A | PCD | PWT)), mmuUpdate(pteAddr(L1, 9), 0));
        assertThat(outcome(r, 0)).returned("mmu_update", 0);
        assertThat(outcome(r, 1)).returned("mmu_update", 0);
        assertThat(word(r, pteAddr(L1, 9))).isZero();
        // DOMID_IO's frame: no general reference was taken for the mapping, none given back for its removal.
        xpf.sim.xen.mm.PageInfo io = FatalOutcomesTest.guest(r).frameTable().get(IO);
        assertThat(io.owner()).isEqualTo(xpf.sim.xen.mm.FrameTable.DOMID_IO);
        assertThat(io.count()).isZero();
        ScenarioRunner.Run mapped = PvFixture.pv64().param("mmio_mfn", IO).run(
                mmuUpdate(pteAddr(L1, 9), e(IO, P | US | A | PCD | PWT)));
        assertThat(FatalOutcomesTest.guest(mapped).frameTable().get(IO).count()).isZero();
    }
}
