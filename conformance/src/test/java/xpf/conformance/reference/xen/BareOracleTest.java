package xpf.conformance.reference.xen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.TreeMap;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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
}
