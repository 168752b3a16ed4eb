package xpf.sim.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;
import xpf.model.x86.Vectors;
import xpf.sim.x86.fixtures.PagingFixture;

/**
 * §1.1g exception delivery, the frame details (SDM vol. 3 §6.12.1 "Exception- or Interrupt-Handler Procedures",
 * §6.14 "Exception and Interrupt Handling in 64-bit Mode", Figures 6-4 / 6-7 / 6-8): the 32-bit frame's slots, the
 * RFLAGS the handler starts with, SS in 64-bit mode, IST edge cases, gates at high (kernel) addresses, gates that
 * cross a page, a null code selector, and the gate descriptor fields.
 */
class IdtDeliveryFrameTest {
    static final long KERNEL = IdtDeliveryTest.KERNEL;
    static final long TF = 1L << 8;
    static final long IF = 1L << 9;
    static final long NT = 1L << 14;
    static final long RF = 1L << 16;
    static final long VM = 1L << 17;
    static final long ZF = 1L << 6;

    /** A 32-bit guest: IDT at 0x10000 (gate 14 an interrupt gate to 0x08:0xc1000e00), stack page at 0x20000. */
    static PagingFixture legacy() {
        PagingFixture f = PagingFixture.of(PagingMode.LEGACY2);
        f.map(IdtDeliveryTest.IDT, 0x300000, EntryLevel.PTE, KERNEL, PagingFixture.UPPER);
        f.map(IdtDeliveryTest.STACK, 0x301000, EntryLevel.PTE, KERNEL, PagingFixture.UPPER);
        f.mem.write(0x300000 + 14 * 8, 8, IdtGate.of(0xc1000e00L, 0x08, false, 0, 0, true).encode32());
        f.mem.write(0x300000 + 3 * 8, 8, IdtGate.of(0xc1000300L, 0x08, true, 3, 0, true).encode32());
        return f;
    }

    @Test
    @DisplayName("1.1g 32-bit, CPL3 -> CPL0: frame (from ESP0 down) SS, ESP, EFLAGS, CS, EIP, ec; 32-bit values")
    void legacyPrivilegeChangeFrame() {
        PagingFixture f = legacy();
        // The upper halves of RSP/RFLAGS/RIP do not exist for a 32-bit guest: only bits 31:0 are pushed.
        IdtDelivery.CpuState u = new IdtDelivery.CpuState(3, 0xDEAD_0000_0804_8000L, 0x1b,
                0xFFFF_0000_0000_0202L, 0x1234_5678_bfff_f000L, 0x23, false);
        IdtDelivery.Result r = IdtDelivery.deliver(14, PfErrorCode.W | PfErrorCode.U, u,
                new IdtDelivery.Tables(IdtDeliveryTest.IDT, IdtDeliveryTest.RSP0, 0x10, List.of()),
                IdtDeliveryTest.port(f.mmu()));
        assertThat(r.ok()).isTrue();
        long base = IdtDeliveryTest.RSP0 - 24;
        assertThat(r.delivered().frame()).containsExactly(entry("error_code", 6L), entry("rip", 0x0804_8000L),
                entry("cs", 0x1bL), entry("rflags", 0x202L), entry("rsp", 0xbfff_f000L), entry("ss", 0x23L),
                entry("base", base));
        long pa = 0x301000 + (base - IdtDeliveryTest.STACK);
        long[] expect = {6, 0x0804_8000L, 0x1b, 0x202, 0xbfff_f000L, 0x23};
        for (int i = 0; i < expect.length; i++) {
            assertThat(f.mem.read(pa + 4L * i, 4)).as("slot %d", i).isEqualTo(expect[i]);
        }
        assertThat(r.delivered().after().rsp()).isEqualTo(base);
        assertThat(r.delivered().after().ss()).as("SS0 from the TSS").isEqualTo(0x10);
        assertThat(r.delivered().after().cs()).isEqualTo(0x08);
    }

    @Test
    @DisplayName("1.1g 32-bit, same privilege: no SS:ESP pushed, current stack, no 16-byte alignment")
    void legacySamePrivilege() {
        PagingFixture f = legacy();
        long esp = IdtDeliveryTest.STACK + 0x806;
        IdtDelivery.CpuState k = new IdtDelivery.CpuState(0, 0xc1001000L, 0x08, 0x246, esp, 0x10, false);
        IdtDelivery.Result r = IdtDelivery.deliver(3, null, k,
                new IdtDelivery.Tables(IdtDeliveryTest.IDT, IdtDeliveryTest.RSP0, 0x10, List.of()),
                IdtDeliveryTest.port(f.mmu()));
        assertThat(r.ok()).isTrue();
        assertThat(r.delivered().frame()).containsExactly(entry("rip", 0xc1001000L), entry("cs", 0x08L),
                entry("rflags", 0x246L), entry("base", esp - 12));
        assertThat(r.delivered().after().ss()).isEqualTo(0x10);
        assertThat(r.delivered().after().rflags() & IF).as("trap gate keeps IF").isEqualTo(IF);
    }

    @Test
    @DisplayName("1.1g 32-bit: the IDT is indexed with 32-bit linear addresses (base + 8*vector wraps at 4 GiB)")
    void legacyGateAddressWraps() {
        PagingFixture f = legacy();
        // base 0xFFFF_FF90: gate 14 at 0x1_0000_0000 - 0x70 + 0x70 = 4 GiB, i.e. linear 0 after the wrap.
        f.map(0, 0x302000, EntryLevel.PTE, KERNEL, PagingFixture.UPPER);
        f.mem.write(0x302000, 8, IdtGate.of(0xc1000e00L, 0x08, false, 0, 0, true).encode32());
        IdtDelivery.CpuState k = new IdtDelivery.CpuState(0, 0xc1001000L, 0x08, 0x246,
                IdtDeliveryTest.STACK + 0x800, 0x10, false);
        IdtDelivery.Result r = IdtDelivery.deliver(14, 0, k,
                new IdtDelivery.Tables(0xFFFF_FF90L, IdtDeliveryTest.RSP0, 0x10, List.of()),
                IdtDeliveryTest.port(f.mmu()));
        assertThat(r.ok()).as("%s", r).isTrue();
        assertThat(r.delivered().after().rip()).isEqualTo(0xc1000e00L);
    }

    @Test
    @DisplayName("1.1g the handler starts with TF, NT, RF and VM cleared (and IF for an interrupt gate), the rest kept")
    void handlerFlags() {
        PagingFixture f = IdtDeliveryTest.long4(true, true);
        long flags = 0x2 | ZF | TF | IF | NT | RF | VM;
        IdtDelivery.CpuState u = new IdtDelivery.CpuState(3, 0x401000, 0x33, flags, 0x7ffff008, 0x2b, true);
        IdtDelivery.Result r = IdtDelivery.deliver(14, 0, u, IdtDeliveryTest.tables(),
                IdtDeliveryTest.port(f.mmu()));
        assertThat(r.delivered().after().rflags()).isEqualTo(0x2 | ZF);
        assertThat(r.delivered().frame().get("rflags")).as("the saved RFLAGS are the old ones").isEqualTo(flags);
    }

    @Test
    @DisplayName("1.1g 64-bit: SS is a null selector with RPL = new CPL on a privilege change (IST too), else kept")
    void ss64() {
        PagingFixture f = IdtDeliveryTest.long4(true, true);
        IdtDelivery.Result ist = IdtDelivery.deliver(3, null, IdtDeliveryTest.user64(), IdtDeliveryTest.tables(),
                IdtDeliveryTest.port(f.mmu()));
        assertThat(ist.delivered().after().ss()).isZero();
        assertThat(ist.delivered().frame().get("ss")).isEqualTo(0x2bL);
        IdtDelivery.CpuState k = new IdtDelivery.CpuState(0, 0xffffffff81001000L, 0x10, 0x202,
                IdtDeliveryTest.STACK + 0x808, 0x18, true);
        IdtDelivery.Result same = IdtDelivery.deliver(3, null, k, IdtDeliveryTest.tables(),
                IdtDeliveryTest.port(f.mmu()));
        assertThat(same.delivered().after().ss()).as("IST without a privilege change keeps SS").isEqualTo(0x18);
        assertThat(same.delivered().frame().get("base")).as("but still switches to the IST stack")
                .isEqualTo(0x20800L - 40);
    }

    @Test
    @DisplayName("1.1g an IST index beyond the TSS's IST pointers reads 0: the first push wraps below 0 and faults")
    void istSlotUnset() {
        PagingFixture f = IdtDeliveryTest.long4(true, true);
        long[] g = IdtGate.of(0xffffffff81000400L, 0x10, false, 0, 2, true).encode64();
        f.mem.write(0x300000 + 4 * 16, 8, g[0]);
        f.mem.write(0x300000 + 4 * 16 + 8, 8, g[1]);
        IdtDelivery.Result r = IdtDelivery.deliver(4, null, IdtDeliveryTest.user64(), IdtDeliveryTest.tables(),
                IdtDeliveryTest.port(f.mmu()));
        assertThat(r.stage()).isEqualTo(IdtDelivery.Stage.STACK);
        assertThat(r.fault().vector()).isEqualTo(Vectors.PF);
        assertThat(r.fault().cr2()).isEqualTo(-8L);
    }

    @Test
    @DisplayName("1.1g 64-bit kernel addresses: IDT and RSP0 in the upper half are used as 64-bit addresses")
    void highKernelAddresses() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        long idt = 0xffff_ffff_8200_0000L;
        long stackPage = 0xffff_c900_0000_4000L;
        f.map(idt, 0x300000, EntryLevel.PTE, KERNEL, PagingFixture.UPPER);
        f.map(stackPage, 0x301000, EntryLevel.PTE, KERNEL, PagingFixture.UPPER);
        long[] q = IdtGate.of(IdtDeliveryTest.HANDLER, 0x10, false, 0, 0, true).encode64();
        f.mem.write(0x300000 + 14 * 16, 8, q[0]);
        f.mem.write(0x300000 + 14 * 16 + 8, 8, q[1]);
        IdtDelivery.Result r = IdtDelivery.deliver(14, 4, IdtDeliveryTest.user64(),
                new IdtDelivery.Tables(idt, stackPage + 0x1000, 0, List.of()), IdtDeliveryTest.port(f.mmu()));
        assertThat(r.ok()).as("%s", r).isTrue();
        assertThat(r.delivered().frame().get("base")).isEqualTo(stackPage + 0x1000 - 48);
        assertThat(r.delivered().after().rsp()).isEqualTo(stackPage + 0x1000 - 48);
        assertThat(f.mem.readWord(0x301000 + 0xfd0)).as("error code slot").isEqualTo(4);
    }

    @Test
    @DisplayName("1.1g a 64-bit gate crossing into an unmapped page: the read of its upper 8 bytes faults (#PF, CR2)")
    void gateSecondHalfFaults() {
        PagingFixture f = IdtDeliveryTest.long4(true, true);
        long base = IdtDeliveryTest.IDT + 0x1000 - 8 - 14 * 16; // gate 14 at IDT+0xFF8, bytes 8-15 on the next page
        IdtDelivery.Result r = IdtDelivery.deliver(14, 0, IdtDeliveryTest.user64(),
                new IdtDelivery.Tables(base, IdtDeliveryTest.RSP0, 0, List.of()), IdtDeliveryTest.port(f.mmu()));
        assertThat(r.ok()).isFalse();
        assertThat(r.stage()).isEqualTo(IdtDelivery.Stage.GATE);
        assertThat(r.fault().vector()).isEqualTo(Vectors.PF);
        assertThat(r.fault().cr2()).isEqualTo(IdtDeliveryTest.IDT + 0x1000);
    }

    @Test
    @DisplayName("1.1g a gate whose code selector is null (index 0, any RPL) is #GP with EXT set")
    void nullSelector() {
        PagingFixture f = IdtDeliveryTest.long4(true, true);
        for (int sel : new int[] {0, 3}) {
            long[] g = IdtGate.of(0xffffffff81000500L, sel, false, 0, 0, true).encode64();
            f.mem.write(0x300000 + 5 * 16, 8, g[0]);
            f.mem.write(0x300000 + 5 * 16 + 8, 8, g[1]);
            IdtDelivery.Result r = IdtDelivery.deliver(5, null, IdtDeliveryTest.user64(), IdtDeliveryTest.tables(),
                    IdtDeliveryTest.port(f.mmu()));
            assertThat(r.ok()).as("selector %d", sel).isFalse();
            assertThat(r.stage()).isEqualTo(IdtDelivery.Stage.GATE);
            assertThat(r.fault().vector()).isEqualTo(Vectors.GP);
            assertThat(r.fault().errorCode() & 1).as("EXT").isEqualTo(1);
        }
    }

    @Test
    @DisplayName("flat selectors: SS RPL = CPL; 64-bit SS pairs with CS as SYSCALL/SYSRET require (SS = CS+8 / CS-8)")
    void flatSelectors() {
        for (boolean lm : new boolean[] {true, false}) {
            for (int cpl : new int[] {0, 3}) {
                assertThat(IdtDelivery.flatStackSelector(cpl, lm) & 3).as("RPL, lm=%s cpl=%d", lm, cpl).isEqualTo(cpl);
                assertThat(IdtDelivery.flatCodeSelector(cpl, lm) & 3).isEqualTo(cpl);
            }
        }
        assertThat(IdtDelivery.flatStackSelector(0, true)).isEqualTo(IdtDelivery.flatCodeSelector(0, true) + 8);
        assertThat(IdtDelivery.flatStackSelector(3, true)).isEqualTo(IdtDelivery.flatCodeSelector(3, true) - 8);
        assertThat(IdtDelivery.flatStackSelector(0, false)).isEqualTo(0x10);
        assertThat(IdtDelivery.flatStackSelector(3, false)).isEqualTo(0x23);
        assertThat(IdtDelivery.flatStackSelector(0, true)).isEqualTo(0x18);
        assertThat(IdtDelivery.flatStackSelector(3, true)).isEqualTo(0x2b);
    }

    @Test
    @DisplayName("IDT gate fields (SDM Figures 6-2 / 6-8): offset 63:32 in bytes 8-11, bytes 12-15 reserved")
    void gate64HighHalf() {
        IdtGate user = IdtGate.of(0x0000_7fff_1234_5678L, 0x33, false, 3, 0, true);
        assertThat(user.encode64()[1]).isEqualTo(0x7fffL);
        assertThat(IdtGate.decode64(user.encode64()[0], 0xDEAD_BEEF_0000_7fffL).offset())
                .as("reserved bytes 12-15 are not part of the offset").isEqualTo(0x0000_7fff_1234_5678L);
    }

    @Test
    @DisplayName("32-bit IDT gate fields: selector in bytes 2-3, DPL in byte 5 bits 6:5, P in bit 7")
    void gate32Fields() {
        IdtGate g = IdtGate.decode32(0xc100_6f00_0073_0e00L); // type 0xF, DPL 3, P=0, selector 0x73
        assertThat(g.selector()).isEqualTo(0x73);
        assertThat(g.dpl()).isEqualTo(3);
        assertThat(g.present()).isFalse();
        assertThat(g.type()).isEqualTo(IdtGate.TYPE_TRAP);
        assertThat(g.offset()).isEqualTo(0xc1000e00L);
    }
}
