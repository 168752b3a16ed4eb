package xpf.conformance.reference.xen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import java.util.List;
import java.util.TreeMap;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import xpf.model.scenario.ControlWrite;
import xpf.model.scenario.CpuFeature;
import xpf.model.scenario.GateSpec;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.IdtSpec;
import xpf.model.scenario.Insn;
import xpf.model.scenario.MachineSpec;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PscEntryView;
import xpf.model.x86.TlbEntryView;
import xpf.model.x86.Vendor;
import xpf.model.xen.BareDomainView;

/** The bare-domain oracle's rules (x86-paging.md §1.1d, §1.1f, §1.1g) on hand-built views. */
class BareOracleTest {

    static final long P = 1;
    static final long RW = 2;
    static final long US = 4;
    static final long A = 0x20;
    static final long D = 0x40;

    final TreeMap<Long, Long> mem = new TreeMap<>();
    long nextTable = 0x2000;

    long map(long va, long pa, long flags) {
        long table = 0x1000;
        for (int s : new int[] {39, 30, 21}) {
            long slot = table + ((va >>> s) & 511) * 8;
            Long e = mem.get(slot);
            if (e == null) {
                e = nextTable | P | RW | US | A;
                nextTable += 0x1000;
                mem.put(slot, e);
            }
            table = e & ~0xFFFL;
        }
        long pte = table + ((va >>> 12) & 511) * 8;
        mem.put(pte, pa | flags);
        return pte;
    }

    BareDomainView view(List<TlbEntryView> tlb, List<PscEntryView> psc, IdtSpec idt) {
        PagingControls c = PagingControls.long4(0x1000).withWp(true).withNxe(true);
        BareDomainView.Vcpu v = new BareDomainView.Vcpu(0, c, 3, List.of(), tlb, psc, idt != null, idt, 0x401000,
                0x7ffff000L, 0x202, 0x33, 0x2b);
        return new BareDomainView("guest", new MachineSpec(Vendor.INTEL, 40,
                EnumSet.of(CpuFeature.NX, CpuFeature.PAGE1GB), XenProfile.XEN_4_22), true, mem, List.of(v));
    }

    static Prediction predict(BareDomainView v, GuestAccess a) {
        return new BareOracle().predict(v, TestGuest.step(a));
    }

    static TlbEntryView tlb(long va, long pa, boolean writable, boolean dirty) {
        return new TlbEntryView(va, 4096, pa, true, writable, false, 0, dirty, false);
    }

    @Test
    @DisplayName("1.1f: a TLB entry's cached rights deny: #PF from the cached rights, whatever memory says")
    void cachedRightsDeny() {
        map(0, 0x5000, P | RW | US | A | D);
        Prediction p = predict(view(List.of(tlb(0, 0x5000, false, true)), List.of(), null), TestGuest.write(0, 1));
        HvmOracleTest.expect(p, OutcomeClass.EXCEPTION, "1.1f", "vector=14", "error_code=P|W|U", "cr2=0x0");
    }

    @Test
    @DisplayName("1.1f: a stale TLB hit completes (the old translation may keep being used)")
    void staleHit() {
        map(0, 0x5000, 0);
        mem.put(0x5000L, 0x42L);
        Prediction p = predict(view(List.of(tlb(0, 0x5000, true, true)), List.of(), null), TestGuest.read(0));
        HvmOracleTest.expect(p, OutcomeClass.OK, "1.1f", "value=0x42");
    }

    @Test
    @DisplayName("1.1f: a write through an entry with D=0 re-walks memory")
    void dirtyRewalk() {
        map(0, 0x5000, 0);
        Prediction p = predict(view(List.of(tlb(0, 0x5000, true, false)), List.of(), null), TestGuest.write(0, 1));
        HvmOracleTest.expect(p, OutcomeClass.EXCEPTION, null, "vector=14", "error_code=W|U");
    }

    @Test
    @DisplayName("1.1f: a paging-structure-cache entry that differs from memory is not modelled")
    void pscDisagrees() {
        map(0, 0x5000, P | RW | US | A | D);
        Prediction p = predict(view(List.of(), List.of(new PscEntryView(0, 0, 0x9000, true, true, false)), null),
                TestGuest.read(0));
        assertThat(p.modelled()).isFalse();
        Prediction agree = predict(view(List.of(), List.of(new PscEntryView(0, 0, 0x2000, true, true, false)), null),
                TestGuest.read(0));
        HvmOracleTest.expect(agree, OutcomeClass.OK, null, "value=0x0");
    }

    @Test
    @DisplayName("1.1d: a non-canonical address is #GP(0), #SS(0) for a stack reference, no CR2")
    void nonCanonical() {
        BareDomainView v = view(List.of(), List.of(), null);
        HvmOracleTest.expect(predict(v, TestGuest.read(0x0000_8000_0000_0000L)), OutcomeClass.EXCEPTION, "1.1d",
                "vector=13", "error_code=0x0");
        GuestAccess stack = new GuestAccess(0x0000_8000_0000_0000L, AccessKind.READ, 8, null, null, false, true,
                Insn.LOAD, null);
        Prediction ss = predict(v, stack);
        HvmOracleTest.expect(ss, OutcomeClass.EXCEPTION, "1.1d", "vector=12");
        assertThat(ss.fields()).doesNotContainKey("cr2");
    }

    @Test
    @DisplayName("1.1g: with an IDT the #PF is delivered: 64-bit frame on the RSP0 stack, CR2 for the handler")
    void idtDelivery() {
        map(0x10000, 0x6000, P | RW | A | D);
        map(0x20000, 0x7000, P | RW | A | D);
        long handler = 0xffffffff81000e00L;
        mem.put(0x6000L + 16 * 14, (handler & 0xFFFF) | (0x10L << 16) | (0xEL << 40) | (1L << 47)
                | (((handler >>> 16) & 0xFFFF) << 48));
        mem.put(0x6000L + 16 * 14 + 8, handler >>> 32);
        IdtSpec idt = new IdtSpec(0x10000, List.of(new GateSpec(14, handler, 0x10, false, 0, 0, true)), 0x21000,
                List.of());
        Prediction p = predict(view(List.of(), List.of(), idt), TestGuest.write(0x500000, 1));
        HvmOracleTest.expect(p, OutcomeClass.DELIVERED, "1.1g", "vector=14", "error_code=W|U", "cr2=0x500000",
                "handler=0xffffffff81000e00", "frame.error_code=0x6", "frame.rip=0x401000", "frame.cs=0x33",
                "frame.rsp=0x7ffff000", "frame.ss=0x2b", "frame.base=0x20fd0");
    }

    // ---- x86-paging.md §1.1b, PAE PDPTE: 63:M, 8:5, 2:1 reserved, checked at the PDPTE load: #GP(0), never #PF ----

    /** A PAE vCPU (PDPT at 0x1000, MAXPHYADDR 40) whose next CR3 is 0x4000. */
    BareDomainView paeView() {
        PagingControls c = PagingControls.long4(0x1000).withMode(PagingMode.PAE).withWp(true);
        BareDomainView.Vcpu v = new BareDomainView.Vcpu(0, c, 0, List.of(0L, 0L, 0L, 0L), List.of(), List.of(),
                false);
        return new BareDomainView("guest", new MachineSpec(Vendor.INTEL, 40, EnumSet.of(CpuFeature.NX),
                XenProfile.XEN_4_22), true, mem, List.of(v));
    }

    static ControlWrite cr3(long cr3) {
        return new ControlWrite(cr3, Set.of(), Set.of(), null, null);
    }

    static Prediction predictOp(BareDomainView v, xpf.model.scenario.Operation op) {
        return new BareOracle().predict(v, TestGuest.step(op));
    }

    @Test
    @DisplayName("1.1b.pae-pdpte: MOV CR3 loading a present PDPTE with R/W (bit 1, reserved) set: #GP(0), no CR2")
    void pdpteReservedLowBit() {
        mem.put(0x4008L, 0x5000L | P | RW);   // PDPTE 1 = 0x5003: bit 1 is in 2:1
        Prediction p = predictOp(paeView(), cr3(0x4000));
        HvmOracleTest.expect(p, OutcomeClass.EXCEPTION, "1.1b.pae-pdpte", "vector=13", "error_code=0x0");
        assertThat(p.fields()).doesNotContainKey("cr2");
    }

    @Test
    @DisplayName("1.1b.pae-pdpte: bit 39 is an address bit at MAXPHYADDR 40, bit 40 is reserved; A (bit 5) too")
    void pdpteReservedBoundaries() {
        mem.put(0x4000L, (1L << 39) | 0x5000L | P);
        HvmOracleTest.expect(predictOp(paeView(), cr3(0x4000)), OutcomeClass.OK, "1.1b.pae-pdpte");
        mem.put(0x4000L, (1L << 40) | 0x5000L | P);
        HvmOracleTest.expect(predictOp(paeView(), cr3(0x4000)), OutcomeClass.EXCEPTION, "1.1b.pae-pdpte",
                "vector=13");
        mem.put(0x4000L, 0x5000L | P | A);   // 8:5: a PDPTE has no A bit
        HvmOracleTest.expect(predictOp(paeView(), cr3(0x4000)), OutcomeClass.EXCEPTION, "1.1b.pae-pdpte",
                "vector=13");
    }

    @Test
    @DisplayName("1.1b.pae-pdpte: reserved bits of a not-present PDPTE are not checked: the load succeeds")
    void pdpteNotPresentIgnored() {
        mem.put(0x4000L, 0xFFFF_FFFF_FFFF_FFFEL);
        HvmOracleTest.expect(predictOp(paeView(), cr3(0x4000)), OutcomeClass.OK, "1.1b.pae-pdpte");
    }

    @Test
    @DisplayName("1.1b.pae-pdpte + 1.1g: entering PAE over a 4-level PML4 (entries P|RW|US|A) faults #GP(0), "
            + "delivered through the IDT of the old mode")
    void enteringPaeDeliversGp() {
        map(0x10000, 0x6000, P | RW | A | D);
        map(0x20000, 0x7000, P | RW | A | D);
        long handler = 0xffffffff81000d00L;
        mem.put(0x6000L + 16 * 13, (handler & 0xFFFF) | (0x10L << 16) | (0xEL << 40) | (1L << 47)
                | (((handler >>> 16) & 0xFFFF) << 48));
        mem.put(0x6000L + 16 * 13 + 8, handler >>> 32);
        IdtSpec idt = new IdtSpec(0x10000, List.of(new GateSpec(13, handler, 0x10, false, 0, 0, true)), 0x21000,
                List.of());
        // PML4[0] (0x1000) = 0x2000|P|RW|US|A = 0x2027: bits 1, 2 and 5 are reserved in a PDPTE
        Prediction p = predictOp(view(List.of(), List.of(), idt), new ControlWrite(null, Set.of(), Set.of(),
                PagingMode.PAE, null));
        HvmOracleTest.expect(p, OutcomeClass.DELIVERED, "1.1b.pae-pdpte", "vector=13", "error_code=0x0",
                "handler=0xffffffff81000d00", "frame.error_code=0x0", "frame.rip=0x401000", "frame.cs=0x33",
                "frame.rsp=0x7ffff000", "frame.ss=0x2b", "frame.base=0x20fd0");
    }

    @Test
    @DisplayName("1.1c/1.1d: a 16-byte store (movdqu) crossing into an unmapped page: #PF W|U, CR2 = that page")
    void sixteenByteStoreCrossing() {
        map(0x0, 0x5000, P | RW | US | A | D);
        GuestAccess w = new GuestAccess(0xff8, AccessKind.WRITE, 16, 0x1234L, null, false, false, Insn.MOVDQU,
                null);
        HvmOracleTest.expect(predict(view(List.of(), List.of(), null), w), OutcomeClass.EXCEPTION, null,
                "vector=14", "error_code=W|U", "cr2=0x1000");
        map(0x1000, 0x5001, P | RW | US | A | D);
        HvmOracleTest.expect(predict(view(List.of(), List.of(), null), w), OutcomeClass.OK, null);
    }

    @Test
    @DisplayName("a 16-byte read that completes is not modelled (the outcome's value holds 8 bytes); one that "
            + "faults is")
    void sixteenByteRead() {
        map(0x0, 0x5000, P | RW | US | A | D);
        GuestAccess ok = new GuestAccess(0x10, AccessKind.READ, 16, null, null, false, false, Insn.MOVDQU, null);
        assertThat(predict(view(List.of(), List.of(), null), ok).modelled()).isFalse();
        GuestAccess bad = new GuestAccess(0x1000, AccessKind.READ, 16, null, null, false, false, Insn.MOVDQU, null);
        HvmOracleTest.expect(predict(view(List.of(), List.of(), null), bad), OutcomeClass.EXCEPTION, null,
                "vector=14", "error_code=U", "cr2=0x1000");
    }

    @Test
    @DisplayName("fast enough to run after every step of a property run (prints µs per prediction)")
    void fast() {
        map(0, 0x5000, P | RW | US | A | D);
        BareDomainView v = view(List.of(), List.of(), null);
        BareOracle o = new BareOracle();
        int n = 5000;
        long t0 = 0;
        for (int i = 0; i < 2 * n; i++) {
            if (i == n) {
                t0 = System.nanoTime();   // the first half warms up the JIT
            }
            o.predict(v, TestGuest.step(TestGuest.read(0x10)));
            o.predict(v, TestGuest.step(TestGuest.write(0x3000, 1)));
        }
        double us = (System.nanoTime() - t0) / 1000.0 / (2 * n);
        System.out.printf("bare oracle: %.1f us per prediction%n", us);
        assertThat(us).isLessThan(5000);
    }
}
