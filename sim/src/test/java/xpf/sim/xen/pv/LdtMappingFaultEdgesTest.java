package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.FaultDecisionPointsTest.calls;
import static xpf.sim.xen.pv.PvFixture.A;
import static xpf.sim.xen.pv.PvFixture.GP_HANDLER;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.NEWDATA;
import static xpf.sim.xen.pv.PvFixture.P;
import static xpf.sim.xen.pv.PvFixture.e;
import static xpf.sim.xen.pv.PvFixture.implicitRead;
import static xpf.sim.xen.pv.PvFixture.mmuext;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.XenProfile;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.xen.mm.PageType;

/**
 * {@code handle_ldt_mapping_fault} / {@code pv_map_ldt_shadow_page} at the edges of the guest's address space
 * (xen-pv-fault-path.md §2.4; xen/arch/x86/traps.c and pv/mm.c, 4.22): an LDT whose last pages lie beyond the
 * canonical boundary gives the guest #GP(offset | TI) instead of a #PF at a non-canonical CR2, and a 32-bit guest's
 * {@code ldt_base + offset} wraps at 4 GiB (both the mapping and the forwarded #PF use the truncated address).
 */
class LdtMappingFaultEdgesTest {
    static final long LDT_AREA = PvLayout.GDT_LDT_VIRT_START + 0x10000; // vCPU 0, LDT half

    /** The last page below the canonical boundary of 48-bit addresses: SET_LDT accepts it (addr_ok). */
    static final long TOP_PAGE = (1L << 47) - 0x1000;

    @Test
    @DisplayName("pv.2.4 ldt_base+offset non-canonical (LDT crossing 2^47): #GP with error code offset|TI, no #PF")
    void nonCanonicalLdtAddressGivesGeneralProtection() {
        ScenarioRunner.Run r = PvFixture.pv64().run(mmuext(DoMmuextOp.SET_LDT, TOP_PAGE, 8192),
                implicitRead(LDT_AREA + 0x1008));
        assertThat(outcome(r, 0)).returned("mmuext_op", 0);
        // offset 0x1008: EXT and IDT clear, TI (bit 2) set -> 0x100c
        assertThat(outcome(r, 1)).isDelivered(13, 0x100c).hasHandler(GP_HANDLER);
        assertThat(calls(r, 1, "pv_map_ldt_shadow_page")).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("why", "guest L1e not present"));
        // The low two bits of the offset (EXT, IDT) are cleared, TI set: offset 0x1ffb -> 0x1ffc.
        ScenarioRunner.Run odd = PvFixture.pv64().run(mmuext(DoMmuextOp.SET_LDT, TOP_PAGE, 8192),
                implicitRead(LDT_AREA + 0x1ffb));
        assertThat(outcome(odd, 1)).isDelivered(13, 0x1ffc);
        // The same LDT's first page is canonical (and unmapped): an ordinary #PF at ldt_base + offset.
        ScenarioRunner.Run low = PvFixture.pv64().run(mmuext(DoMmuextOp.SET_LDT, TOP_PAGE, 8192),
                implicitRead(LDT_AREA + 0x10));
        assertThat(outcome(low, 1)).isDeliveredPageFault(0, TOP_PAGE + 0x10);
    }

    @Test
    @DisplayName("pv.2.4 3.1 had no non-canonical check: the #PF is forwarded with the non-canonical CR2")
    void xen31ForwardsTheNonCanonicalAddress() {
        ScenarioRunner.Run r = PvFixture.pv64().profile(XenProfile.XEN_3_1).run(
                mmuext(DoMmuextOp.SET_LDT, TOP_PAGE, 8192), implicitRead(LDT_AREA + 0x1008));
        assertThat(outcome(r, 1)).isDeliveredPageFault(0, (1L << 47) + 0x8);
    }

    @Test
    @DisplayName("pv.2.4 32-bit: ldt_base+offset wraps at 4 GiB; the wrapped LDT page is mapped (fixed)")
    void thirtyTwoBitLdtAddressWraps() {
        PvFixture f = PvFixture.pv32();
        f.pte(L1, 7, e(NEWDATA, P | A)); // a descriptor page, read-only, at va 0x7000
        // base 0xfffff000 + offset 0x8008 = 0x1_0000_7008 -> 0x7008
        ScenarioRunner.Run r = f.run(mmuext(DoMmuextOp.SET_LDT, 0xfffff000L, 8192),
                implicitRead(LDT_AREA + 0x8008));
        assertThat(outcome(r, 0)).returned("mmuext_op", 0);
        assertThat(outcome(r, 1)).isFixed("ldt_mapped");
        assertThat(calls(r, 1, "pv_map_ldt_shadow_page")).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("result", "true")
                        .containsEntry("mfn", "0x" + Long.toHexString(NEWDATA)).containsEntry("slot", "8"));
        assertThat(PvFixture.frame(r, NEWDATA)).hasType(PageType.SEG_DESC, 1);
    }

    @Test
    @DisplayName("pv.2.4 32-bit: a refused wrapped LDT page gives #PF at the wrapped (32-bit) ldt_base+offset")
    void thirtyTwoBitRefusalReportsTheWrappedAddress() {
        // va 0x8000 is not mapped in the pv32 fixture: base 0xfffff000 + 0x9010 wraps to 0x8010.
        ScenarioRunner.Run r = PvFixture.pv32().run(mmuext(DoMmuextOp.SET_LDT, 0xfffff000L, 8192),
                implicitRead(LDT_AREA + 0x9010));
        assertThat(outcome(r, 1)).isDeliveredPageFault(0, 0x8010);
        assertThat(calls(r, 1, "pv_map_ldt_shadow_page")).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("why", "guest L1e not present")
                        .containsEntry("linear", "0x8010"));
    }
}
