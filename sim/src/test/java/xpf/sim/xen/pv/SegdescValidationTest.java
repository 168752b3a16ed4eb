package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.FaultDecisionPointsTest.calls;
import static xpf.sim.xen.pv.PvFixture.A;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.NEWDATA;
import static xpf.sim.xen.pv.PvFixture.P;
import static xpf.sim.xen.pv.PvFixture.STACK;
import static xpf.sim.xen.pv.PvFixture.US;
import static xpf.sim.xen.pv.PvFixture.e;
import static xpf.sim.xen.pv.PvFixture.implicitRead;
import static xpf.sim.xen.pv.PvFixture.mmuext;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.pteAddr;
import static xpf.sim.xen.pv.PvFixture.step;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.HostWrite;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.xen.mm.PageType;

/**
 * {@code validate_segdesc_page} / {@code check_descriptor} (xen/arch/x86/pv/descriptor-tables.c, 4.22; reached from
 * {@code pv_map_ldt_shadow_page}, xen-pv-fault-path.md §2.4): all 512 descriptors of an LDT page are checked when the
 * page takes its {@code PGT_seg_desc_page} type. Rules (from the Xen source): a not-present descriptor is always
 * safe; code/data (S=1) segments are accepted, except a 64-bit (L=1) one for a 32-bit guest; a system descriptor of
 * type 0 is harmless (the second half of a call gate); every other system type but a call gate (0xC) is refused; a
 * call gate's reserved bits must be zero (bits 0-7 of the high word for 64-bit guests, bits 5-7 for 32-bit guests).
 * A refused page is not mapped: the guest gets its #PF at {@code ldt_base + offset}.
 *
 * <p>Descriptors are written as the 64-bit word {@code b << 32 | a}. The LDT page is NEWDATA, mapped read-only at
 * va 0x7000, and the LDT is loaded with {@code MMUEXT_SET_LDT(0x7000, 16)}.
 */
class SegdescValidationTest {
    static final long LDT_AREA = PvLayout.GDT_LDT_VIRT_START + 0x10000; // vCPU 0, LDT half

    /** A flat 64-bit code segment, DPL 3 (b = 0x00affa00: G, L, P, DPL 3, S, type 0xA). */
    static final long CODE64 = 0x00affa00_0000ffffL;
    /** A flat 32-bit code segment, DPL 3 (b = 0x00cffa00: G, D, P, DPL 3, S, type 0xA). */
    static final long CODE32 = 0x00cffa00_0000ffffL;
    /** A present available 64-bit TSS (system type 0x9). */
    static final long TSS = 0x00008900_00000067L;
    /** A call gate (type 0xC, P, DPL 3) to selector 0xe033, offset 0x1000, no parameter bits. */
    static final long CALL_GATE = 0x0000ec00_e0331000L;

    /** Plants {@code desc} at LDT slot {@code index}, then touches slot 1 so that Xen maps (and validates) the page. */
    static ScenarioRunner.Run ldtWith(PvFixture f, int index, long desc) {
        f.pte(L1, 7, e(NEWDATA, P | US | A));
        return f.run(step(new HostWrite(pteAddr(NEWDATA, index), 8, desc)), mmuext(DoMmuextOp.SET_LDT, 0x7000, 16),
                implicitRead(LDT_AREA + 8));
    }

    static void assertAccepted(ScenarioRunner.Run r) {
        assertThat(outcome(r, 2)).isFixed("ldt_mapped");
        assertThat(PvFixture.frame(r, NEWDATA)).hasType(PageType.SEG_DESC, 1);
        assertThat(calls(r, 2, "validate_segdesc_page")).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("result", "0")
                        .containsEntry("mfn", "0x" + Long.toHexString(NEWDATA)));
    }

    static void assertRefused(ScenarioRunner.Run r, String why) {
        assertThat(outcome(r, 2)).isDeliveredPageFault(0, 0x7008);
        assertThat(PvFixture.frame(r, NEWDATA)).hasNoTypeInUse();
        assertThat(calls(r, 2, "validate_segdesc_page")).isEmpty();
        assertThat(calls(r, 2, "pv_map_ldt_shadow_page")).anySatisfy(c -> assertThat(c.get("why"))
                .isEqualTo("not a valid descriptor page: " + why));
    }

    @Test
    @DisplayName("pv.2.4 check_descriptor: a not-present descriptor is safe whatever its type (a TSS with P=0)")
    void notPresentIsAlwaysSafe() {
        assertAccepted(ldtWith(PvFixture.pv64(), 3, TSS & ~(1L << 47)));
    }

    @Test
    @DisplayName("pv.2.4 check_descriptor: a present TSS (system type 9) is refused; the page is not mapped")
    void presentTssIsRefused() {
        assertRefused(ldtWith(PvFixture.pv64(), 3, TSS),
                "descriptor 3 of 0x1005 is a system descriptor other than a call gate");
    }

    @Test
    @DisplayName("pv.2.4 check_descriptor: a present system descriptor of type 0 is harmless (a call gate's 2nd half)")
    void typeZeroIsHarmless() {
        assertAccepted(ldtWith(PvFixture.pv64(), 3, 0x00008000_12345678L));
    }

    @Test
    @DisplayName("pv.2.4 check_descriptor: a 64-bit guest may have a 64-bit code segment in its LDT")
    void longCodeSegmentFor64BitGuest() {
        assertAccepted(ldtWith(PvFixture.pv64(), 3, CODE64));
    }

    @Test
    @DisplayName("pv.2.4 check_descriptor: a 32-bit guest's 32-bit code segment is accepted, a 64-bit one refused")
    void longCodeSegmentFor32BitGuest() {
        assertAccepted(ldtWith(PvFixture.pv32(), 3, CODE32));
        assertRefused(ldtWith(PvFixture.pv32(), 5, CODE64), "descriptor 5 of 0x1005 is a 64-bit code segment");
    }

    @Test
    @DisplayName("pv.2.4 check_descriptor: a call gate with zero reserved bits is accepted (64- and 32-bit)")
    void callGateAccepted() {
        assertAccepted(ldtWith(PvFixture.pv64(), 3, CALL_GATE));
        assertAccepted(ldtWith(PvFixture.pv32(), 3, CALL_GATE));
    }

    @Test
    @DisplayName("pv.2.4 check_descriptor: a call gate's parameter count (bits 0-4) is reserved for 64-bit guests only")
    void callGateParameterCount() {
        long withParams = CALL_GATE | (2L << 32);
        assertRefused(ldtWith(PvFixture.pv64(), 4, withParams),
                "descriptor 4 of 0x1005 is a system descriptor other than a call gate");
        assertAccepted(ldtWith(PvFixture.pv32(), 4, withParams));
    }

    @Test
    @DisplayName("pv.2.4 check_descriptor: call-gate bits 5-7 are reserved for 32-bit guests too")
    void callGateReservedBitsFor32BitGuest() {
        assertRefused(ldtWith(PvFixture.pv32(), 4, CALL_GATE | (0x20L << 32)),
                "descriptor 4 of 0x1005 is a system descriptor other than a call gate");
    }

    @Test
    @DisplayName("pv.2.4 validate_segdesc_page checks exactly 512 descriptors: the next frame's first word is not one")
    void onlyTheFramesOwnDescriptors() {
        PvFixture f = PvFixture.pv64();
        // STACK (0x1006) follows NEWDATA: its word 0 would be descriptor 512, a present TSS.
        f.pte(L1, 7, e(NEWDATA, P | US | A));
        ScenarioRunner.Run r = f.run(step(new HostWrite(pteAddr(STACK, 0), 8, TSS)),
                mmuext(DoMmuextOp.SET_LDT, 0x7000, 16), implicitRead(LDT_AREA + 8));
        assertAccepted(r);
        // The last descriptor of the page itself is checked.
        assertRefused(ldtWith(PvFixture.pv64(), 511, TSS),
                "descriptor 511 of 0x1005 is a system descriptor other than a call gate");
    }

}
