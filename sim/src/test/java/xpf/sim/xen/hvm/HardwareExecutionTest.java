package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import xpf.model.scenario.ControlFlag;
import xpf.model.scenario.ControlWrite;
import xpf.model.scenario.CpuFeature;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Insn;
import xpf.model.scenario.Outcome;
import xpf.model.scenario.OutcomeClass;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PagingMode;
import xpf.sim.scenario.ScenarioRunner;

/**
 * The processor in guest mode ({@code HvmHardware}) where nothing exits (HAP): the step's instruction runs on the
 * guest's memory (CMPXCHG, LOCK OR, MOVDQU, page-crossing accesses in little-endian byte order, 32-bit linear
 * addresses), a fault of a split access reports the second page's address in CR2, and the outcome of a delivery the
 * processor combined into #DF (SDM Vol. 3A §6.15 Table 6-5; CR2 only when a #PF was in the chain).
 */
class HardwareExecutionTest {

    static GuestAccess access(long va, AccessKind k, int size, Long value, Insn insn, Long compare) {
        return new GuestAccess(va, k, size, value, null, false, false, insn, compare);
    }

    static HvmFixture hapData(DomainKind k) {
        return of(k).hap().frame("data2", 0x1011).map(DATA_VA, "data", USER_RW).map(DATA_VA + 0x1000, "data2", USER_RW)
                .mem("data", 0, 0x1111).mem("data", 0xff8, 0x8877665544332211L).mem("data2", 0, 0x0123456789abcdefL);
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("HAP, no exit: CMPXCHG stores only when memory equals the compare value; LOCK OR ors; XCHG stores")
    void readModifyWriteInGuest(DomainKind k) {
        ScenarioRunner.Run r = hapData(k).run(
                step(access(DATA_VA, AccessKind.WRITE, 8, 0x2222L, Insn.CMPXCHG, 0x1111L)),
                step(access(DATA_VA, AccessKind.WRITE, 8, 0x3333L, Insn.CMPXCHG, 0x1111L)),
                step(read(DATA_VA)),
                step(access(DATA_VA, AccessKind.WRITE, 8, 0x10000L, Insn.LOCK_OR, null)),
                step(read(DATA_VA)),
                step(access(DATA_VA, AccessKind.WRITE, 8, 0x5L, Insn.XCHG, null)),
                step(read(DATA_VA)));
        Expect.step(r, 2, OutcomeClass.OK, "value", "0x2222");
        Expect.step(r, 4, OutcomeClass.OK, "value", "0x12222");
        Expect.step(r, 6, OutcomeClass.OK, "value", "5");
        assertThat(r.trace().render()).doesNotContain("VMEXIT");
    }

    @Test
    @DisplayName("HAP, no exit: an 8-byte read across a page boundary takes bytes 0-3 from the end of the first page and "
            + "4-7 from the start of the next")
    void splitRead() {
        ScenarioRunner.Run r = hapData(DomainKind.HVM_VMX).run(step(read(DATA_VA + 0xffc)));
        Expect.step(r, 0, OutcomeClass.OK, "value", "0x89abcdef88776655");
    }

    @Test
    @DisplayName("HAP, no exit: a split 8-byte write puts its low bytes at the end of the first page, the high bytes at "
            + "the start of the next")
    void splitWrite() {
        ScenarioRunner.Run r = hapData(DomainKind.HVM_SVM).run(step(write(DATA_VA + 0xffe, 0x1122334455667788L)),
                step(read(DATA_VA + 0xff8)), step(read(DATA_VA + 0x1000)));
        Expect.step(r, 1, OutcomeClass.OK, "value", "0x7788665544332211");
        Expect.step(r, 2, OutcomeClass.OK, "value", "0x0123112233445566");
    }

    @Test
    @DisplayName("HAP, no exit: MOVDQU writes 16 bytes (the model's value is 64 bits: the upper 8 bytes are 0)")
    void movdquWrite() {
        ScenarioRunner.Run r = hapData(DomainKind.HVM_SVM).run(step(movdqu(DATA_VA + 0x10, 0x55)),
                step(read(DATA_VA + 0x10)), step(read(DATA_VA + 0x18)));
        Expect.step(r, 1, OutcomeClass.OK, "value", "0x55");
        Expect.step(r, 2, OutcomeClass.OK, "value", "0");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("x86-paging: a split access whose second page is not present: #PF with CR2 = the first byte on that "
            + "page (0x401000), delivered by the processor (HAP)")
    void splitAccessFaultsOnSecondPage(DomainKind k) {
        ScenarioRunner.Run r = of(k).hap().map(DATA_VA, "data", USER_RW).run(step(write(DATA_VA + 0xffc, 1)));
        Expect.step(r, 0, OutcomeClass.DELIVERED, "vector", "14", "error_code", "W|U", "cr2", "0x401000");
    }

    @Test
    @DisplayName("HAP, no exit: an instruction fetch completes without a value; a read returns the bytes")
    void fetchHasNoValue() {
        ScenarioRunner.Run r = hapData(DomainKind.HVM_VMX).run(step(fetch(DATA_VA)), step(read(DATA_VA)));
        assertThat(r.steps().get(0).outcome()).isEqualTo(new Outcome.Completed(null));
        assertThat(r.steps().get(1).outcome()).isEqualTo(new Outcome.Completed(0x1111L));
    }

    @Test
    @DisplayName("x86: a 32-bit guest's linear addresses are 32 bits: va 0x1_0040_0000 is 0x400000")
    void thirtyTwoBitAddressesWrap() {
        ScenarioRunner.Run r = of(DomainKind.HVM_SVM).hap().mode(PagingMode.PAE).map(DATA_VA, "data", USER_RW)
                .mem("data", 8, 0x4242).run(step(read(0x1_0040_0008L)));
        Expect.step(r, 0, OutcomeClass.OK, "value", "0x4242");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("SDM Table 6-5: Xen injects #GP(0) (unsupported CR4 bit), its gate is not present: #NP while "
            + "delivering #GP is contributory on contributory ⇒ the processor's #DF; no #PF in the chain, no CR2")
    void injectedGpCombinedByProcessorHasNoCr2(DomainKind k) {
        HvmFixture f = of(k).absentGates(13);
        f.features = EnumSet.of(CpuFeature.NX, CpuFeature.PAGE1GB);
        ScenarioRunner.Run r = f.run(step(new ControlWrite(null, Set.of(ControlFlag.SMAP), Set.of(), null, null)));
        Expect.step(r, 0, OutcomeClass.DOUBLE_FAULT, "delivery.vector", "8", "delivery.handler", "0xffffffff81000800");
        assertThat(((Outcome.DoubleFault) r.steps().get(0).outcome()).cr2()).isNull();
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("SDM Table 6-5 (HAP): Xen's #GP(0) push faults (#PF, not intercepted): handled serially, the #PF push "
            + "faults again ⇒ #DF on IST1; CR2 = the stack address of the #PF in the chain")
    void injectedGpThenProcessorPageFaults(DomainKind k) {
        HvmFixture f = of(k).hap().noStackMapping().dfIst();
        f.features = EnumSet.of(CpuFeature.NX, CpuFeature.PAGE1GB);
        ScenarioRunner.Run r = f.run(step(new ControlWrite(null, Set.of(ControlFlag.SMAP), Set.of(), null, null)));
        Expect.step(r, 0, OutcomeClass.DOUBLE_FAULT, "cr2", "0x20ff8", "delivery.vector", "8");
    }
}
