package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static xpf.sim.xen.pv.PvFixture.A;
import static xpf.sim.xen.pv.PvFixture.DATA;
import static xpf.sim.xen.pv.PvFixture.FOREIGN;
import static xpf.sim.xen.pv.PvFixture.GP_HANDLER;
import static xpf.sim.xen.pv.PvFixture.L1;
import static xpf.sim.xen.pv.PvFixture.L2;
import static xpf.sim.xen.pv.PvFixture.NEWDATA;
import static xpf.sim.xen.pv.PvFixture.P;
import static xpf.sim.xen.pv.PvFixture.RIP;
import static xpf.sim.xen.pv.PvFixture.UP;
import static xpf.sim.xen.pv.PvFixture.US;
import static xpf.sim.xen.pv.PvFixture.e;
import static xpf.sim.xen.pv.PvFixture.implicitRead;
import static xpf.sim.xen.pv.PvFixture.mmuext;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.read;
import static xpf.sim.xen.pv.PvFixture.write;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.PfErrorCode;
import xpf.sim.domain.ScenarioError;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.trace.Trace;
import xpf.sim.trace.TraceEvent;
import xpf.sim.x86.EntryBits;

/**
 * The decision points of the PV fault path one by one, at their edges (written to kill the mutants PIT found
 * surviving, docs/mutation.md): which row of {@code fixup_page_fault} (§2.3) decided, the GDT/LDT area's bounds and
 * halves (§2.4), the failure reasons of {@code pv_map_ldt_shadow_page}, the spurious-fault re-walk's required and
 * disallowed flags, superpage leaves and SMEP/SMAP classification (§2.6), and {@code paging_fault} in log-dirty mode
 * (§2.3 row e). Expected values come from ../shared/reference/xen-pv-fault-path.md.
 */
class FaultDecisionPointsTest {
    static final long LDT_AREA = PvLayout.GDT_LDT_VIRT_START + 0x10000; // vCPU 0, LDT half (bit 16)
    static final long NX = EntryBits.XD;
    static final long PSE = EntryBits.PS;

    /** The fields of every CALL event named {@code symbol} in step {@code step}, in order. */
    static List<Map<String, String>> calls(ScenarioRunner.Run r, int step, String symbol) {
        return r.trace().eventsOfStep(step).stream()
                .filter(ev -> ev.kind() == TraceEvent.Kind.CALL && ev.name().equals(symbol))
                .map(ev -> (Map<String, String>) ev.fields()).toList();
    }

    /** The row of fixup_page_fault that decided a step (the event carrying "row"). */
    static Map<String, String> fixupRow(ScenarioRunner.Run r, int step) {
        return calls(r, step, "fixup_page_fault").stream().filter(f -> f.containsKey("row")).findFirst()
                .orElseThrow(() -> new AssertionError("no fixup_page_fault row in step " + step + ":\n"
                        + r.trace().render()));
    }

    // ---- §2.3 row (c): Xen's range and the GDT/LDT area's bounds ----

    @Test
    @DisplayName("pv.2.3c the first byte of the GDT/LDT area is vCPU 0's GDT half: #GP(0) to the guest's #GP handler")
    void firstByteOfTheAreaIsTheGdtHalf() {
        ScenarioRunner.Run r = PvFixture.pv64().run(implicitRead(PvLayout.GDT_LDT_VIRT_START));
        assertThat(outcome(r, 0)).isDelivered(13, 0).hasHandler(GP_HANDLER);
        assertThat(calls(r, 0, "handle_gdt_ldt_mapping_fault")).singleElement()
                .satisfies(f -> assertThat(f).containsEntry("offset", "0x0").containsEntry("vcpu_area", "0x0")
                        .containsEntry("half", "gdt"));
        assertThat(fixupRow(r, 0)).containsEntry("row", "c").containsEntry("result", "gdt_gp");
    }

    @Test
    @DisplayName("pv.2.3c just past the GDT/LDT area is plain Xen range: forwarded as #PF, never the area's BUG_ON")
    void firstByteAfterTheAreaIsXenRange() {
        // 3.1 hits BUG_ON for a fault in another vCPU's area; the byte after the area is no vCPU's area at all. A
        // guest's implicit access cannot reach it (the scenario is refused), a direct 3.1 access (no U filter) can.
        assertThatThrownBy(() -> PvFixture.pv64().profile(XenProfile.XEN_3_1)
                .run(implicitRead(PvLayout.GDT_LDT_VIRT_END))).isInstanceOf(ScenarioError.class)
                .hasMessageContaining("GDT/LDT area");
        ScenarioRunner.Run r = PvFixture.pv64().profile(XenProfile.XEN_3_1)
                .run(read(PvLayout.GDT_LDT_VIRT_END));
        org.assertj.core.api.Assertions.assertThat((Object) outcome(r, 0)).isInstanceOfSatisfying(
                xpf.model.scenario.Outcome.Delivered.class, dl -> {
                    org.assertj.core.api.Assertions.assertThat(dl.vector()).isEqualTo(14);
                    org.assertj.core.api.Assertions.assertThat(dl.cr2()).isEqualTo(PvLayout.GDT_LDT_VIRT_END);
                });
        assertThat(calls(r, 0, "handle_gdt_ldt_mapping_fault")).isEmpty();
        assertThat(fixupRow(r, 0)).containsEntry("row", "c").containsEntry("result", "0")
                .containsEntry("why", "Xen range");
        // The last 8 bytes of the area belong to vCPU 8191: another vCPU's area, BUG_ON in 3.1.
        assertThat(PvFixture.pv64().profile(XenProfile.XEN_3_1).last(implicitRead(PvLayout.GDT_LDT_VIRT_END - 8)))
                .isPanic("gdt_ldt_bug_on");
    }

    @Test
    @DisplayName("pv.2.3c a guest touch of the linear page table (Xen range, not the area) is row c, result 0")
    void linearPageTableTouchIsRowC() {
        ScenarioRunner.Run r = PvFixture.pv64().run(read(PvLayout.LINEAR_PT_VIRT_START));
        assertThat(outcome(r, 0)).isDeliveredPageFault(PfErrorCode.P, PvLayout.LINEAR_PT_VIRT_START);
        assertThat(fixupRow(r, 0)).containsEntry("row", "c").containsEntry("why", "Xen range");
    }

    // ---- §2.4 LDT half: pv_map_ldt_shadow_page's refusals, each forwarded as #PF at ldt_base + offset ----

    @Test
    @DisplayName("pv.2.4 the last descriptor inside ldt_ents is mapped; the first one beyond it is #PF at ldt_base+off")
    void ldtEntsBound() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1, 7, e(NEWDATA, P | US | A));
        ScenarioRunner.Run inside = f.run(mmuext(DoMmuextOp.SET_LDT, 0x7000, 16), implicitRead(LDT_AREA + 15 * 8));
        assertThat(outcome(inside, 1)).isFixed("ldt_mapped");
        PvFixture g = PvFixture.pv64();
        g.pte(L1, 7, e(NEWDATA, P | US | A));
        ScenarioRunner.Run beyond = g.run(mmuext(DoMmuextOp.SET_LDT, 0x7000, 16), implicitRead(LDT_AREA + 16 * 8));
        assertThat(outcome(beyond, 1)).isDeliveredPageFault(0, 0x7000 + 16 * 8);
        assertThat(calls(beyond, 1, "pv_map_ldt_shadow_page")).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("result", "false").containsEntry("why",
                        "beyond ldt_ents"));
    }

    @Test
    @DisplayName("pv.2.4 an LDT page the guest does not map, or that another domain owns: #PF at ldt_base+offset")
    void ldtPageNotPresentOrForeign() {
        // L1[8] (va 0x8000) is empty.
        ScenarioRunner.Run absent = PvFixture.pv64().run(mmuext(DoMmuextOp.SET_LDT, 0x8000, 16),
                implicitRead(LDT_AREA + 0x20));
        assertThat(outcome(absent, 1)).isDeliveredPageFault(0, 0x8020);
        assertThat(calls(absent, 1, "pv_map_ldt_shadow_page")).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("why", "guest L1e not present"));
        // L1[8] maps the other domain's frame (written behind Xen's back: validation would refuse it): get_page
        // refuses a frame that is not the guest's.
        ScenarioRunner.Run foreign = PvFixture.pv64().run(
                PvFixture.step(new HostWrite(PvFixture.pteAddr(L1, 8), 8, e(FOREIGN, P | US | A))),
                mmuext(DoMmuextOp.SET_LDT, 0x8000, 16), implicitRead(LDT_AREA + 0x20));
        assertThat(outcome(foreign, 2)).isDeliveredPageFault(0, 0x8020);
        assertThat(calls(foreign, 2, "pv_map_ldt_shadow_page")).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("why", "frame not the guest's"));
    }

    @Test
    @DisplayName("pv.2.4 the LDT shadow page is mapped in the vCPU's slot of the per-domain area, Xen RW, slot 0")
    void ldtShadowMappingGoesToItsSlot() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1, 7, e(NEWDATA, P | US | A));
        ScenarioRunner.Run r = f.run(mmuext(DoMmuextOp.SET_LDT, 0x7000, 16), implicitRead(LDT_AREA + 8));
        assertThat(calls(r, 1, "pv_map_ldt_shadow_page")).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("result", "true").containsEntry("slot", "0")
                        .containsEntry("mfn", "0x" + Long.toHexString(NEWDATA)));
    }

    @Test
    @DisplayName("pv.2.4 the LDT shadow mapping is Xen RW in per-domain L1 slot 16 + page for vCPU 0")
    void ldtShadowEntryIsXenRw() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1, 7, e(NEWDATA, P | US | A));
        ScenarioRunner.Run r = f.run(mmuext(DoMmuextOp.SET_LDT, 0x7000, 16), implicitRead(LDT_AREA + 8));
        PvDomain d = FatalOutcomesTest.guest(r);
        // 32 per-domain L1 slots per vCPU, the LDT's 16 pages after its GDT's 16 (GDT_LDT_VCPU_SHIFT)
        assertThat(d.memory().readWord((d.perdomainL1() << 12) + 8L * 16)).isEqualTo(Pte.of(NEWDATA,
                Pte.HYPERVISOR_RW));
        assertThat(d.memory().readWord((d.perdomainL1() << 12) + 8L * 15)).isZero();
    }

    @Test
    @DisplayName("pv.2.4 a refused LDT page keeps no reference; a re-mapped slot (3.1) holds one type reference")
    void ldtReferencesAreBalanced() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1, 7, e(NEWDATA, P | US | A));
        // A system descriptor other than a call gate: the seg_desc type is refused, the general ref given back.
        ScenarioRunner.Run bad = f.run(PvFixture.step(new HostWrite((NEWDATA << 12) + 8, 8, 0x00008900_00000000L)),
                mmuext(DoMmuextOp.SET_LDT, 0x7000, 16), implicitRead(LDT_AREA + 8));
        assertThat(outcome(bad, 2)).isDeliveredPageFault(0, 0x7008);
        assertThat(PvFixture.frame(bad, NEWDATA)).hasCount(1).hasNoTypeInUse(); // its one mapping's reference
        // 3.1 maps on a direct (U=1) touch and the guest keeps faulting: each fault re-maps the slot, dropping the
        // previous mapping's references first.
        PvFixture g = PvFixture.pv64().profile(XenProfile.XEN_3_1);
        g.pte(L1, 7, e(NEWDATA, P | US | A));
        ScenarioRunner.Run old = g.run(mmuext(DoMmuextOp.SET_LDT, 0x7000, 16), read(LDT_AREA + 8),
                read(LDT_AREA + 8), read(LDT_AREA + 8));
        assertThat(outcome(old, 3)).isFixed("ldt_mapped");
        assertThat(PvFixture.frame(old, NEWDATA)).hasType(xpf.sim.xen.mm.PageType.SEG_DESC, 1).hasCount(2);
    }

    @Test
    @DisplayName("pv.2.4 Xen-context faults in the area: GDT half and unmappable LDT go to the exception table")
    void xenContextAreaFaults() {
        // GDT half inside Xen: do_general_protection in Xen context -> extable fixup, or panic without one.
        assertThat(xenFault(PvFixture.pv64(), 0, PvLayout.GDT_LDT_VIRT_START + 0x28, true).kind())
                .isEqualTo(Fix.Kind.EXTABLE);
        PvDomain d = FatalOutcomesTest.guest(PvFixture.pv64().run());
        d.useTrace(new Trace());
        assertThatThrownBy(() -> d.traps().handlePF(d.vcpu(0), PfRegs.xen(0, XenSite.UNPROTECTED, true),
                PvLayout.GDT_LDT_VIRT_START + 0x28)).isInstanceOf(PvFatal.Panic.class)
                .hasMessageContaining("GDT fault in Xen");
        // LDT half with no LDT loaded: pv_map_ldt_shadow_page fails; in Xen context that is not fixed there (no
        // #PF for the guest), the extable takes it.
        assertThat(xenFault(PvFixture.pv64(), 0, LDT_AREA + 8, true).kind()).isEqualTo(Fix.Kind.EXTABLE);
    }

    // ---- §2.3 row (a): no fixups with interrupts off ----

    @Test
    @DisplayName("pv.2.3a with IF=0 no fixup is tried: a GDT-half fault is forwarded as #PF, not turned into #GP")
    void interruptsOffMeansNoFixup() {
        PvDomain d = FatalOutcomesTest.guest(PvFixture.pv64().run());
        d.useTrace(new Trace());
        long va = PvLayout.GDT_LDT_VIRT_START + 0x28;
        Fix off = d.traps().handlePF(d.vcpu(0), PfRegs.guest(0xe033, RIP, 0, 0), va);
        assertThat(off).isEqualTo(Fix.forwarded("page_fault"));
        d.useTrace(new Trace());
        Fix on = d.traps().handlePF(d.vcpu(0), PfRegs.guest(0xe033, RIP, PfRegs.IF, 0), va);
        assertThat(on).isEqualTo(Fix.forwarded("gdt_gp"));
    }

    // ---- §2.6 spurious_page_fault / __page_fault_type (Xen context) ----

    /** A Xen-context fault from copy_from_guest (has an exception-table fixup), run through handle_PF. */
    static Fix xenFault(PvFixture f, int ec, long va, boolean ac) {
        return xenFault(f, ec, va, ac, 0, 0);
    }

    /** The same, after writing {@code value} at machine address {@code pa} behind Xen's back (0: nothing). */
    static Fix xenFault(PvFixture f, int ec, long va, boolean ac, long pa, long value) {
        PvDomain d = FatalOutcomesTest.guest(f.run());
        if (pa != 0) {
            d.memory().writeWord(pa, value);
        }
        d.useTrace(new Trace());
        return d.traps().handlePF(d.vcpu(0), PfRegs.xen(ec, XenSite.COPY_FROM_GUEST, ac), va);
    }

    @Test
    @DisplayName("pv.2.6 a write fault the tables now allow (STAC'd copy) is spurious; one they refuse is real")
    void spuriousNeedsEveryRequiredFlag() {
        // 0x1000 maps DATA P|RW|US|A at every level: the fault was a stale TLB entry.
        assertThat(xenFault(PvFixture.pv64(), PfErrorCode.P | PfErrorCode.W, 0x1000, true))
                .isEqualTo(Fix.fixed("spurious"));
        // 0x5000 maps COW read-only: RW is required for a write, so the fault is real -> exception table.
        assertThat(xenFault(PvFixture.pv64(), PfErrorCode.P | PfErrorCode.W, 0x5000, true).kind())
                .isEqualTo(Fix.Kind.EXTABLE);
        // A read of the same page needs no RW: spurious.
        assertThat(xenFault(PvFixture.pv64(), PfErrorCode.P, 0x5000, true)).isEqualTo(Fix.fixed("spurious"));
    }

    @Test
    @DisplayName("pv.2.6 a user-mode (U=1) fault needs USER at every level: a supervisor-only leaf makes it real")
    void userFaultNeedsUser() {
        // L1[9] written behind Xen's back without US (a 64-bit PV guest's validated leaves always carry it).
        assertThat(xenFault(PvFixture.pv64(), PfErrorCode.P | PfErrorCode.U, 0x9000, true, PvFixture.pteAddr(L1, 9),
                e(DATA, P | PvFixture.RW | A)).kind()).isEqualTo(Fix.Kind.EXTABLE);
        assertThat(xenFault(PvFixture.pv64(), PfErrorCode.P | PfErrorCode.U, 0x9000, true, PvFixture.pteAddr(L1, 9),
                e(DATA, UP))).isEqualTo(Fix.fixed("spurious"));
    }

    @Test
    @DisplayName("pv.2.6 NX is disallowed for a fetch: a fetch from an NX page is real (extable), not SMEP")
    void nxMakesAFetchReal() {
        PvFixture f = PvFixture.pv64();
        f.pte(L1, 9, e(DATA, UP | NX));
        assertThat(xenFault(f, PfErrorCode.P | PfErrorCode.I, 0x9000, true).kind()).isEqualTo(Fix.Kind.EXTABLE);
        // Without NX the user page reached by a supervisor fetch is a SMEP violation: panic before the extable.
        assertThatThrownBy(() -> xenFault(PvFixture.pv64(), PfErrorCode.P | PfErrorCode.I, 0x1000, true))
                .isInstanceOf(PvFatal.Panic.class).hasMessageContaining("SMEP");
    }

    @Test
    @DisplayName("pv.2.6 a 2 MiB superpage at L2 ends the re-walk: its leaf decides (spurious)")
    void superpageEndsTheWalk() {
        // The re-walk reads whatever the loaded tables hold (Xen's own mappings use superpages; a PV guest's
        // validated L2 cannot): L2[1] maps va 0x200000..0x3fffff as one read-write superpage. Its frame field is
        // no table: walking on below it would find nothing present and call the fault real.
        long l2e = e(0x1200, UP | PSE);
        assertThat(xenFault(PvFixture.pv64(), PfErrorCode.P | PfErrorCode.W, 0x200000, true,
                PvFixture.pteAddr(L2, 1), l2e)).isEqualTo(Fix.fixed("spurious"));
    }

    @Test
    @DisplayName("pv.2.6 RSVD faults are never spurious (3.1, where RSVD does not panic): real -> exception table")
    void reservedBitFaultIsNeverSpurious() {
        Fix fx = xenFault(PvFixture.pv64().profile(XenProfile.XEN_3_1), PfErrorCode.P | PfErrorCode.RSVD, 0x1000,
                true);
        assertThat(fx.kind()).isEqualTo(Fix.Kind.EXTABLE);
    }

    @Test
    @DisplayName("pv.2.6 SMAP: a supervisor access to a user page is a violation unless EFLAGS.AC, always from CPL 3")
    void smapNeedsAcAndCplBelowThree() {
        assertThat(xenFault(PvFixture.pv64(), PfErrorCode.P, 0x1000, true)).isEqualTo(Fix.fixed("spurious"));
        assertThatThrownBy(() -> xenFault(PvFixture.pv64(), PfErrorCode.P, 0x1000, false))
                .isInstanceOf(PvFatal.Panic.class).hasMessageContaining("SMAP");
        // An implicit supervisor access made at CPL 3 (CS RPL 3): SMAP applies even with AC set.
        PvDomain d = FatalOutcomesTest.guest(PvFixture.pv64().run());
        d.useTrace(new Trace());
        PfRegs cpl3 = new PfRegs(false, 0xe033, 0, PfRegs.IF | PfRegs.AC, PfErrorCode.P, XenSite.COPY_FROM_GUEST);
        assertThatThrownBy(() -> d.traps().handlePF(d.vcpu(0), cpl3, 0x1000)).isInstanceOf(PvFatal.Panic.class)
                .hasMessageContaining("SMAP");
        // A user-mode access (U=1) to a user page is no SMAP matter: spurious.
        assertThat(xenFault(PvFixture.pv64(), PfErrorCode.P | PfErrorCode.U, 0x1000, false))
                .isEqualTo(Fix.fixed("spurious"));
    }

    // ---- §2.3 row (e): paging_fault in log-dirty mode ----

    @Test
    @DisplayName("pv.2.3e log-dirty: a read is not the shadow code's; a write the guest's tables refuse is forwarded")
    void pagingFaultRefusals() {
        // sh_page_fault walks the guest's tables for reads too: refused, with the walk's error code (U: not present).
        ScenarioRunner.Run rd = PvFixture.pv64().param("log_dirty", 1).run(read(0x9000));
        assertThat(outcome(rd, 0)).isDeliveredPageFault(0, 0x9000);
        assertThat(calls(rd, 0, "paging_fault")).first()
                .satisfies(c -> assertThat(c).containsEntry("result", "0").containsEntry("why",
                        "guest tables refuse it").containsEntry("pfec", "U"));
        assertThat(fixupRow(rd, 0)).containsEntry("row", "e").containsEntry("result", "0");
        // A read the guest's tables allow (a stale-TLB fault) is not the shadow code's either: not a write.
        PvDomain d = FatalOutcomesTest.guest(PvFixture.pv64().param("log_dirty", 1).run());
        d.useTrace(new Trace());
        assertThat(d.traps().pagingFault(d.vcpu(0), 0x1000, PfRegs.guest(0xe033, RIP, PfRegs.IF,
                PfErrorCode.P | PfErrorCode.U))).isEqualTo(Fix.NOT_FIXED);
        assertThat(d.trace().render()).contains("why=not a write");
        // The hardware said P|W|U (a stale read-only TLB entry), the tables say not present: 4.22 leaves the guest
        // walk's W|U in regs->error_code (sh_page_fault "not a shadow fault"), 3.1 the hardware's.
        PfRegs stale = PfRegs.guest(0xe033, RIP, PfRegs.IF, PfErrorCode.P | PfErrorCode.W | PfErrorCode.U);
        assertThat(d.traps().pagingFault(d.vcpu(0), 0x9008, stale))
                .isEqualTo(Fix.notFixed(PfErrorCode.W | PfErrorCode.U));
        PvDomain d31 = FatalOutcomesTest.guest(PvFixture.pv64().profile(XenProfile.XEN_3_1).param("log_dirty", 1)
                .run());
        d31.useTrace(new Trace());
        assertThat(d31.traps().pagingFault(d31.vcpu(0), 0x9008, stale)).isEqualTo(Fix.NOT_FIXED);
        // COW (va 0x5000) is mapped read-only and is not a page table: ptwr refuses, the shadow code too.
        ScenarioRunner.Run wr = PvFixture.pv64().param("log_dirty", 1).run(write(0x5000, 1));
        assertThat(outcome(wr, 0)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, 0x5000);
        assertThat(calls(wr, 0, "paging_fault")).first()
                .satisfies(c -> assertThat(c).containsEntry("why", "guest tables refuse it"));
        assertThat(PvFixture.view(wr).dirtyFrames()).doesNotContain(PvFixture.COW);
    }

    @Test
    @DisplayName("pv.2.3e log-dirty: the fixed write marks exactly the written frame dirty and is row e")
    void pagingFaultMarksTheFrame() {
        ScenarioRunner.Run r = PvFixture.pv64().param("log_dirty", 1).run(write(0x1000, 5));
        assertThat(calls(r, 0, "paging_fault")).last()
                .satisfies(c -> assertThat(c).containsEntry("result", "fixed")
                        .containsEntry("mark_dirty", "0x" + Long.toHexString(DATA)));
        assertThat(fixupRow(r, 0)).containsEntry("row", "e").containsEntry("result", "paging");
        assertThat(PvFixture.view(r).dirtyFrames()).contains(DATA).doesNotContain(NEWDATA);
    }

    // ---- §2.3 row (f) ----

    @Test
    @DisplayName("pv.2.3f a not-present guest fault outside Xen's range, no shadow: row f, forwarded unchanged")
    void plainFaultIsRowF() {
        ScenarioRunner.Run r = PvFixture.pv64().run(read(0x9000));
        assertThat(outcome(r, 0)).isDeliveredPageFault(0, 0x9000);
        assertThat(fixupRow(r, 0)).containsEntry("row", "f").containsEntry("result", "0");
        assertThat(calls(r, 0, "handle_PF")).first().satisfies(c -> assertThat(c).containsEntry("context", "guest")
                .containsEntry("cr2", "0x9000"));
    }
}
