package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static xpf.sim.xen.hvm.HvmFixture.*;

import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import xpf.model.scenario.DeviceSpec;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Insn;
import xpf.model.scenario.OutcomeClass;
import xpf.model.x86.AccessKind;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.xen.hvm.dm.DeviceModel;
import xpf.sim.xen.hvm.dm.MmioDevice;

/**
 * MMIO emulation through the device model ({@code handle_mmio_with_translation} → {@code hvm_emulate_one}:
 * {@code hvmemul_read} / {@code hvmemul_write} / {@code hvmemul_cmpxchg}, {@code linear_read} / {@code linear_write}
 * page by page; xen-hvm-fault-path.md §5.2 step 6, §3 F2b'/F18) under HAP and shadow paging: byte lanes of accesses
 * that cross from MMIO into RAM and back, the all-ones read of an MMIO frame no device claims, read-modify-write
 * instructions on device registers, and the device models ({@code regs}, {@code counter}, {@code uart}).
 */
class MmioEmulationTest {

    static final long MMIO_VA = 0x700000;
    static final long MMIO_GFN = 0x2000;
    static final long RAM_BEFORE_VA = 0x6ff000;
    static final long RAM_AFTER_VA = 0x701000;

    /** A device page at 0x700000 with RAM pages mapped right before (gfn 0x1011) and after (gfn 0x1012) it. */
    static HvmFixture layout(DomainKind k, boolean hap, long... regs) {
        HvmFixture f = of(k).frame("before", 0x1011).frame("after", 0x1012).map(RAM_BEFORE_VA, "before", USER_RW)
                .map(RAM_AFTER_VA, "after", USER_RW).mapGfn(MMIO_VA, MMIO_GFN, USER_RW)
                .device("dev", "regs", MMIO_GFN, regs);
        return hap ? f.hap() : f;
    }

    static GuestAccess access(long va, AccessKind k, int size, Long value, Insn insn, Long compare) {
        return new GuestAccess(va, k, size, value, null, false, false, insn, compare);
    }

    static GuestAccess read(long va, int size) {
        return access(va, AccessKind.READ, size, null, Insn.LOAD, null);
    }

    static GuestAccess write(long va, int size, long value) {
        return access(va, AccessKind.WRITE, size, value, Insn.MOV, null);
    }

    static MmioDevice device(ScenarioRunner.Run r, String name) {
        return ((HvmDomain) r.domains().get("guest")).devices().devices().stream().filter(d -> d.name().equals(name))
                .findFirst().orElseThrow();
    }

    enum Paging { HAP, SHADOW }

    @ParameterizedTest
    @EnumSource(Paging.class)
    @DisplayName("hvm.5.2.6 an 8-byte read crossing from a device page into RAM: bytes 0-3 from the device register at "
            + "0xffc, bytes 4-7 from the RAM page (little-endian)")
    void readCrossingMmioIntoRam(Paging p) {
        for (DomainKind k : new DomainKind[] {DomainKind.HVM_SVM, DomainKind.HVM_VMX}) {
            ScenarioRunner.Run r = layout(k, p == Paging.HAP, 0xff8, 0x1122334455667788L)
                    .mem("after", 0, 0xaabbccddeeff0011L).run(step(read(MMIO_VA + 0xffc, 8)));
            Expect.step(r, 0, OutcomeClass.EMULATED, "fixup", "mmio", "value", "0xeeff001111223344");
        }
    }

    @Test
    @DisplayName("hvm.5.2.6 a 4-byte read crossing from RAM into a device page: 2 bytes of RAM, then 2 of the device")
    void readCrossingRamIntoMmio() {
        ScenarioRunner.Run r = layout(DomainKind.HVM_VMX, true, 0, 0xbeefcafeL).mem("before", 0xff8, 0x1234567800000000L)
                .run(step(read(MMIO_VA - 2, 4)));
        Expect.step(r, 0, OutcomeClass.EMULATED, "fixup", "mmio", "value", "0xcafe1234");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.5.2.6 an MMIO frame no device claims reads all ones (ioreq with no server) and drops writes")
    void unclaimedMmioReadsAllOnes(DomainKind k) {
        ScenarioRunner.Run r = of(k).hap().mapGfn(0x800000, 0x2005, USER_RW).p2m(0x2005, "mmio_dm")
                .run(step(read(0x800000, 8)), step(read(0x800010, 2)), step(read(0x800020, 4)),
                        step(write(0x800000, 8, 5)), step(read(0x800000, 8)));
        Expect.step(r, 0, OutcomeClass.EMULATED, "fixup", "mmio", "value", "0xffffffffffffffff");
        Expect.step(r, 1, OutcomeClass.EMULATED, "fixup", "mmio", "value", "0xffff");
        Expect.step(r, 2, OutcomeClass.EMULATED, "fixup", "mmio", "value", "0xffffffff");
        Expect.step(r, 3, OutcomeClass.EMULATED, "fixup", "mmio");
        Expect.step(r, 4, OutcomeClass.EMULATED, "fixup", "mmio", "value", "0xffffffffffffffff");
        assertThat(r.trace().render()).contains("hvmemul_do_mmio dir=write device=- gpa=0x2005000 size=8 value=0x5");
    }

    @ParameterizedTest
    @EnumSource(Paging.class)
    @DisplayName("hvm.5.2.6 an 8-byte write crossing from RAM into a device page: linear_write stores the low half in "
            + "RAM and sends the high half to the device (the mapping is not all RAM, so it goes page by page)")
    void writeCrossingRamIntoMmio(Paging p) {
        ScenarioRunner.Run r = layout(DomainKind.HVM_SVM, p == Paging.HAP).run(
                step(write(MMIO_VA - 4, 8, 0x1122334455667788L)), step(read(RAM_BEFORE_VA + 0xff8, 8)),
                step(read(MMIO_VA, 4)));
        Expect.step(r, 0, OutcomeClass.EMULATED, "fixup", "mmio");
        Expect.step(r, 1, OutcomeClass.OK, "value", "0x5566778800000000");
        Expect.step(r, 2, OutcomeClass.EMULATED, "value", "0x11223344");
        assertThat(device(r, "dev").registers()).containsEntry(0, 0x11223344L);
    }

    @ParameterizedTest
    @EnumSource(Paging.class)
    @DisplayName("hvm.5.2.6 an 8-byte write crossing from a device page into RAM: the device gets the low 4 bytes at "
            + "0xffc, the RAM page the high 4 at offset 0")
    void writeCrossingMmioIntoRam(Paging p) {
        ScenarioRunner.Run r = layout(DomainKind.HVM_VMX, p == Paging.HAP).mem("after", 0, 0x7777777700000000L)
                .run(step(write(MMIO_VA + 0xffc, 8, 0x1122334455667788L)), step(read(RAM_AFTER_VA, 8)));
        Expect.step(r, 0, OutcomeClass.EMULATED, "fixup", "mmio");
        Expect.step(r, 1, OutcomeClass.OK, "value", "0x7777777711223344");
        assertThat(device(r, "dev").registers()).containsEntry(0xffc, 0x55667788L);
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.5.2.6 read-modify-write instructions on a device register: CMPXCHG stores only on a match, XCHG "
            + "stores, LOCK OR ors")
    void readModifyWriteOnDevice(DomainKind k) {
        ScenarioRunner.Run r = layout(k, true, 0, 5, 8, 0x10, 0x10, 0xf0).run(
                step(access(MMIO_VA, AccessKind.WRITE, 8, 9L, Insn.CMPXCHG, 5L)),
                step(access(MMIO_VA, AccessKind.WRITE, 8, 3L, Insn.CMPXCHG, 1L)),
                step(access(MMIO_VA + 8, AccessKind.WRITE, 8, 0x77L, Insn.XCHG, null)),
                step(access(MMIO_VA + 0x10, AccessKind.WRITE, 8, 0x0fL, Insn.LOCK_OR, null)),
                step(access(MMIO_VA + 0x10, AccessKind.WRITE, 1, 0x100L, Insn.CMPXCHG, 0xffL)));
        for (int i = 0; i < 5; i++) {
            Expect.step(r, i, OutcomeClass.EMULATED, "fixup", "mmio");
        }
        assertThat(device(r, "dev").registers()).containsEntry(0, 9L).containsEntry(8, 0x77L)
                .containsEntry(0x10, 0L);
    }

    /**
     * {@code hvmemul_cmpxchg} on a device page (xen/arch/x86/hvm/emulate.c, 4.x-4.22): no mapping, so Xen writes the
     * new value without reading the device again. The {@code counter} register advances on every read, so a second
     * read (or a compare against it) would show: XCHG and LOCK OR read it once (5, then 6) and store; CMPXCHG reads
     * it once in the emulator (5, matching rAX) and stores.
     */
    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.5.2.6 hvmemul_cmpxchg on a device register writes without a second read (counter device)")
    void readModifyWriteOnCounterReadsOnce(DomainKind k) {
        ScenarioRunner.Run xchg = counter(k).run(step(access(MMIO_VA, AccessKind.WRITE, 8, 0x77L, Insn.XCHG, null)));
        Expect.step(xchg, 0, OutcomeClass.EMULATED, "fixup", "mmio");
        assertThat(device(xchg, "ctr").registers()).as("XCHG stores the new value").containsEntry(0, 0x77L);
        ScenarioRunner.Run or = counter(k).run(step(access(MMIO_VA, AccessKind.WRITE, 8, 0x70L, Insn.LOCK_OR, null)));
        Expect.step(or, 0, OutcomeClass.EMULATED, "fixup", "mmio");
        assertThat(device(or, "ctr").registers()).as("LOCK OR stores the value read once (5) | 0x70")
                .containsEntry(0, 0x75L);
        ScenarioRunner.Run cx = counter(k).run(step(access(MMIO_VA, AccessKind.WRITE, 8, 0x77L, Insn.CMPXCHG, 5L)));
        Expect.step(cx, 0, OutcomeClass.EMULATED, "fixup", "mmio");
        assertThat(device(cx, "ctr").registers()).as("CMPXCHG matching the value read once stores")
                .containsEntry(0, 0x77L);
    }

    private static HvmFixture counter(DomainKind k) {
        return of(k).hap().mapGfn(MMIO_VA, MMIO_GFN, USER_RW).device("ctr", "counter", MMIO_GFN, 0, 5);
    }

    @Test
    @DisplayName("hvm.5.2.6 CMPXCHG on a 2-byte register lane compares only those 2 bytes")
    void cmpxchgSubWord() {
        ScenarioRunner.Run r = layout(DomainKind.HVM_SVM, true, 0, 0x12345678L).run(
                step(access(MMIO_VA, AccessKind.WRITE, 2, 0xabcdL, Insn.CMPXCHG, 0xffff5678L)));
        Expect.step(r, 0, OutcomeClass.EMULATED, "fixup", "mmio");
        assertThat(device(r, "dev").registers()).containsEntry(0, 0x1234abcdL);
    }

    @Test
    @DisplayName("hvm.5.2.6 sub-word register writes keep the other bytes of the register; a new offset starts at 0")
    void registerLanes() {
        ScenarioRunner.Run r = layout(DomainKind.HVM_VMX, true, 0, 0x1122334455667788L).run(
                step(write(MMIO_VA, 2, 0xaaaa)), step(write(MMIO_VA, 1, 0xbb)), step(write(MMIO_VA + 0x20, 2,
                        0x12345)), step(read(MMIO_VA, 8)), step(read(MMIO_VA + 4, 2)), step(read(MMIO_VA + 0x40, 8)));
        Expect.step(r, 3, OutcomeClass.EMULATED, "value", "0x112233445566aabb");
        Expect.step(r, 4, OutcomeClass.EMULATED, "value", "0x3344");
        Expect.step(r, 5, OutcomeClass.EMULATED, "value", "0");
        assertThat(device(r, "dev").registers()).containsEntry(0x20, 0x2345L);
    }

    @Test
    @DisplayName("device model uart: THR (0) transmits (last byte at 0x100, count at 0x108), LSR (5) reads 0x60; other "
            + "offsets are registers")
    void uart() {
        ScenarioRunner.Run r = of(DomainKind.HVM_SVM).hap().mapGfn(MMIO_VA, MMIO_GFN, USER_RW)
                .device("ser", "uart", MMIO_GFN).run(step(write(MMIO_VA, 1, 0x141)), step(write(MMIO_VA, 1, 0x42)),
                        step(read(MMIO_VA + 5, 1)), step(write(MMIO_VA + 3, 1, 0x83)), step(read(MMIO_VA + 3, 1)));
        Expect.step(r, 2, OutcomeClass.EMULATED, "value", "0x60");
        Expect.step(r, 4, OutcomeClass.EMULATED, "value", "0x83");
        assertThat(device(r, "ser").registers()).containsEntry(0x100, 0x42L).containsEntry(0x108, 2L)
                .containsEntry(3, 0x83L).doesNotContainKey(0);
    }

    @Test
    @DisplayName("device model counter: only a read of offset 0 increments; other offsets are registers")
    void counter() {
        ScenarioRunner.Run r = of(DomainKind.HVM_VMX).hap().mapGfn(MMIO_VA, MMIO_GFN, USER_RW)
                .device("ctr", "counter", MMIO_GFN, 0, 1, 8, 40).run(step(read(MMIO_VA + 8, 8)),
                        step(read(MMIO_VA + 8, 8)), step(read(MMIO_VA, 8)));
        Expect.step(r, 1, OutcomeClass.EMULATED, "value", "0x28");
        Expect.step(r, 2, OutcomeClass.EMULATED, "value", "1");
        assertThat(device(r, "ctr").registers()).containsEntry(0, 2L).containsEntry(8, 40L);
    }

    @Test
    @DisplayName("device models: regs is the default; lapic and hpet are Xen-internal, the others ioreq devices; an "
            + "unknown model is refused with the list")
    void models() {
        TreeMap<Integer, Long> none = new TreeMap<>();
        assertThat(DeviceModel.create(new DeviceSpec("a", null, 1, none)).model()).isEqualTo("regs");
        assertThat(DeviceModel.create(new DeviceSpec("a", "lapic", 1, none)).internal()).isTrue();
        assertThat(DeviceModel.create(new DeviceSpec("a", "hpet", 1, none)).internal()).isTrue();
        assertThat(DeviceModel.create(new DeviceSpec("a", "regs", 1, none)).internal()).isFalse();
        assertThat(DeviceModel.create(new DeviceSpec("a", "uart", 1, none)).internal()).isFalse();
        assertThat(DeviceModel.create(new DeviceSpec("a", "counter", 7, none)).gfn()).isEqualTo(7);
        assertThatThrownBy(() -> DeviceModel.create(new DeviceSpec("a", "vga", 1, none)))
                .hasMessage("unknown device model 'vga' (expected regs, counter, uart, lapic or hpet)");
        DeviceModel m = new DeviceModel();
        m.add(DeviceModel.create(new DeviceSpec("b", "regs", 9, none)));
        m.add(DeviceModel.create(new DeviceSpec("a", "regs", 3, none)));
        assertThat(m.at(9).name()).isEqualTo("b");
        assertThat(m.at(4)).isNull();
        assertThat(m.devices()).extracting(MmioDevice::name).containsExactly("a", "b");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.5.2.6 hvmemul_linear_mmio_access: a write from a device page into an unmapped page sends the "
            + "first chunk to the device, then the next page's translation fails: the emulator's #PF(W|U), CR2 = "
            + "that page")
    void mmioAccessIntoUnmappedPageFaults(DomainKind k) {
        HvmFixture f = of(k).hap().mapGfn(MMIO_VA, MMIO_GFN, USER_RW).device("dev", "regs", MMIO_GFN);
        ScenarioRunner.Run w = f.run(step(write(MMIO_VA + 0xffc, 8, 0x1122334455667788L)));
        Expect.step(w, 0, OutcomeClass.INJECTED, "vector", "14", "error_code", "W|U", "cr2", "0x701000",
                "delivery.vector", "14");
        assertThat(device(w, "dev").registers()).containsEntry(0xffc, 0x55667788L);
        ScenarioRunner.Run r = of(k).hap().mapGfn(MMIO_VA, MMIO_GFN, USER_RW).device("dev", "regs", MMIO_GFN)
                .run(step(read(MMIO_VA + 0xffe, 4)));
        Expect.step(r, 0, OutcomeClass.INJECTED, "vector", "14", "error_code", "U", "cr2", "0x701000");
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.5.2.6 an instruction fetch from a device page cannot be emulated (its bytes are MMIO): "
            + "handle_mmio fails ⇒ #GP(0)")
    void fetchFromMmioIsGp(DomainKind k) {
        ScenarioRunner.Run r = of(k).hap().mapGfn(MMIO_VA, MMIO_GFN, USER_RW).device("dev", "regs", MMIO_GFN)
                .run(step(fetch(MMIO_VA)));
        Expect.step(r, 0, OutcomeClass.INJECTED, "vector", "13", "error_code", "0", "delivery.vector", "13");
        assertThat(r.trace().render()).contains("hvm_emulate_one result=UNHANDLEABLE");
    }

    @Test
    @DisplayName("hvm.5.2.6 the emulator_fails knob: handle_mmio fails ⇒ #GP(0), the device is not written")
    void emulatorFailsIsGp() {
        ScenarioRunner.Run r = layout(DomainKind.HVM_SVM, true, 0, 1).run(step(write(MMIO_VA, 8, 7), emulatorFails()));
        Expect.step(r, 0, OutcomeClass.INJECTED, "vector", "13", "error_code", "0");
        assertThat(device(r, "dev").registers()).containsEntry(0, 1L);
    }

    @Test
    @DisplayName("hvm.5.2.6 a step with no instruction form: a write is emulated as a MOV store to the device")
    void writeWithoutInstructionForm() {
        ScenarioRunner.Run r = layout(DomainKind.HVM_VMX, true).run(step(access(MMIO_VA + 8, AccessKind.WRITE, 4,
                0xabcdL, null, null)));
        Expect.step(r, 0, OutcomeClass.EMULATED, "fixup", "mmio");
        assertThat(device(r, "dev").registers()).containsEntry(8, 0xabcdL);
    }

    @Test
    @DisplayName("hvm.5.2.6 a 16-byte MOVDQU to a device: two 8-byte chunks, the upper one 0 (the model's value is 64 "
            + "bits); the hvmemul_do_mmio records show device, gpa, size and value")
    void movdquToDevice() {
        ScenarioRunner.Run r = layout(DomainKind.HVM_VMX, true, 0, 1, 8, 2).run(step(movdqu(MMIO_VA, 0x1234)),
                step(read(MMIO_VA + 8, 8)));
        Expect.step(r, 0, OutcomeClass.EMULATED, "fixup", "mmio");
        assertThat(device(r, "dev").registers()).containsEntry(0, 0x1234L).containsEntry(8, 0L);
        assertThat(r.trace().render()).contains("hvmemul_do_mmio dir=write device=dev gpa=0x2000000 size=8 "
                + "value=0x1234").contains("hvmemul_do_mmio dir=read device=dev gpa=0x2000008 size=8 value=0x0");
    }

    @Test
    @DisplayName("hvm.5.2.3 an emulated write that reaches a shared page unshares it first (P2M_UNSHARE): the part of an "
            + "MMIO-crossing write that lands there makes the page ram_rw")
    void emulatedWriteUnshares() {
        ScenarioRunner.Run r = layout(DomainKind.HVM_SVM, true).p2m(0x1012, "ram_shared")
                .run(step(write(MMIO_VA + 0xffc, 8, 0x1122334455667788L)), step(read(RAM_AFTER_VA, 4)));
        Expect.step(r, 0, OutcomeClass.EMULATED, "fixup", "mmio");
        Expect.step(r, 1, OutcomeClass.OK, "value", "0x11223344");
        assertThat(((HvmDomain) r.domains().get("guest")).p2m().lookup(0x1012).type().wireName()).isEqualTo("ram_rw");
    }

    @Test
    @DisplayName("hvm.3.F18 an MMIO access of the step's own instruction (not a delivery's) is emulated without the "
            + "delivery note")
    void ownAccessHasNoDeliveryNote() {
        ScenarioRunner.Run r = layout(DomainKind.HVM_SVM, false, 0, 7).run(step(read(MMIO_VA, 8)));
        Expect.step(r, 0, OutcomeClass.EMULATED, "fixup", "mmio", "value", "7");
        assertThat(r.trace().render()).contains("handle_mmio_with_translation va=0x700000 gfn=0x2000")
                .doesNotContain("the delivery's access exited");
    }
}
