package xpf.sim.x86;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.x86.Access;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;
import xpf.model.x86.Vectors;
import xpf.sim.x86.fixtures.PagingFixture;

/** §1.1g exception delivery through an IDT: gate format, stack choice, frame layout, faults reported not combined. */
class IdtDeliveryTest {
    static final long IDT = 0x10000;
    static final long STACK = 0x20000;
    static final long RSP0 = 0x21000;
    static final long HANDLER = 0xffffffff81000e00L;
    static final long KERNEL = EntryBits.P | EntryBits.RW | EntryBits.A | EntryBits.D;

    /** A memory port over an MMU, as a bare CPU delivers: faults are reported as exceptions. */
    static IdtDelivery.Memory port(Mmu mmu) {
        return new IdtDelivery.Memory() {
            @Override
            public IdtDelivery.Fault read(Access a, int size, long[] out) {
                LinearAccess.Result r = LinearAccess.read(mmu, a, size);
                if (!r.ok()) {
                    return IdtDelivery.Fault.exception(r.fault().vector(), r.fault().errorCode(), r.fault().la());
                }
                out[0] = r.value();
                return null;
            }

            @Override
            public IdtDelivery.Fault write(Access a, int size, long value) {
                LinearAccess.Result r = LinearAccess.write(mmu, a, size, value);
                return r.ok() ? null : IdtDelivery.Fault.exception(r.fault().vector(), r.fault().errorCode(),
                        r.fault().la());
            }
        };
    }

    static PagingFixture long4(boolean idtMapped, boolean stackMapped) {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        long idtPa = 0x300000;
        if (idtMapped) {
            f.map(IDT, idtPa, EntryLevel.PTE, KERNEL, PagingFixture.UPPER);
        }
        if (stackMapped) {
            f.map(STACK, 0x301000, EntryLevel.PTE, KERNEL, PagingFixture.UPPER);
        }
        long[] q = IdtGate.of(HANDLER, 0x10, false, 0, 0, true).encode64();
        f.mem.write(idtPa + 14 * 16, 8, q[0]);
        f.mem.write(idtPa + 14 * 16 + 8, 8, q[1]);
        long[] t = IdtGate.of(0xffffffff81000300L, 0x10, true, 3, 1, true).encode64();
        f.mem.write(idtPa + 3 * 16, 8, t[0]);
        f.mem.write(idtPa + 3 * 16 + 8, 8, t[1]);
        long[] np = IdtGate.of(0xffffffff81000d00L, 0x10, false, 0, 0, false).encode64();
        f.mem.write(idtPa + 13 * 16, 8, np[0]);
        f.mem.write(idtPa + 13 * 16 + 8, 8, np[1]);
        return f;
    }

    static IdtDelivery.Tables tables() {
        return new IdtDelivery.Tables(IDT, RSP0, 0x18, List.of(0x20800L));
    }

    static IdtDelivery.CpuState user64() {
        return new IdtDelivery.CpuState(3, 0x401000, 0x33, 0x202, 0x7ffff008, 0x2b, true);
    }

    @Test
    @DisplayName("1.1g 64-bit gate encodes offset, selector, IST, type, DPL and P in the SDM layout")
    void gate64RoundTrip() {
        IdtGate g = IdtGate.of(0xffffffff81234567L, 0x10, true, 3, 5, true);
        long[] q = g.encode64();
        assertThat(q[0]).isEqualTo(0x8123_EF05_0010_4567L);
        assertThat(q[1]).isEqualTo(0xffffffffL);
        assertThat(IdtGate.decode64(q[0], q[1])).isEqualTo(g);
    }

    @Test
    @DisplayName("1.1g 32-bit gate encodes offset halves around selector and type/DPL/P")
    void gate32RoundTrip() {
        IdtGate g = IdtGate.of(0xc1000e00L, 0x08, false, 0, 0, true);
        assertThat(g.encode32()).isEqualTo(0xc1008e00_00080e00L);
        assertThat(IdtGate.decode32(g.encode32())).isEqualTo(g);
    }

    @Test
    @DisplayName("1.1g #PF from CPL3: stack switch to RSP0, 16-byte aligned, SS RSP RFLAGS CS RIP ec, IF cleared")
    void privilegeChangeFrame() {
        PagingFixture f = long4(true, true);
        IdtDelivery.Result r = IdtDelivery.deliver(14, PfErrorCode.W | PfErrorCode.U, user64(), tables(),
                port(f.mmu()));
        assertThat(r.ok()).isTrue();
        IdtDelivery.Delivered d = r.delivered();
        assertThat(d.frame()).containsExactly(java.util.Map.entry("error_code", 6L),
                java.util.Map.entry("rip", 0x401000L), java.util.Map.entry("cs", 0x33L),
                java.util.Map.entry("rflags", 0x202L), java.util.Map.entry("rsp", 0x7ffff008L),
                java.util.Map.entry("ss", 0x2bL), java.util.Map.entry("base", RSP0 - 48));
        assertThat(d.after().cpl()).isZero();
        assertThat(d.after().rip()).isEqualTo(HANDLER);
        assertThat(d.after().rflags() & (1 << 9)).as("interrupt gate clears IF").isZero();
        assertThat(f.mem.readWord(0x301000 + 0xfd0)).as("error code at the handler's RSP").isEqualTo(6);
        assertThat(f.mem.readWord(0x301000 + 0xff8)).as("old SS on top").isEqualTo(0x2b);
    }

    @Test
    @DisplayName("1.1g same privilege: stays on the current stack, aligned down to 16 bytes")
    void samePrivilege() {
        PagingFixture f = long4(true, true);
        IdtDelivery.CpuState k = new IdtDelivery.CpuState(0, 0xffffffff81001000L, 0x10, 0x202, STACK + 0x808, 0x18,
                true);
        IdtDelivery.Result r = IdtDelivery.deliver(14, 0, k, tables(), port(f.mmu()));
        assertThat(r.ok()).isTrue();
        assertThat(r.delivered().frame().get("base")).isEqualTo(STACK + 0x800 - 48);
    }

    @Test
    @DisplayName("1.1g IST gate uses its stack; trap gate keeps IF")
    void istAndTrapGate() {
        PagingFixture f = long4(true, true);
        IdtDelivery.Result r = IdtDelivery.deliver(3, null, user64(), tables(), port(f.mmu()));
        assertThat(r.ok()).isTrue();
        assertThat(r.delivered().frame().get("base")).isEqualTo(0x20800L - 40);
        assertThat(r.delivered().frame()).doesNotContainKey("error_code");
        assertThat(r.delivered().after().rflags() & (1 << 9)).isNotZero();
    }

    @Test
    @DisplayName("1.1g a not-present gate is #NP with the IDT error code (vector<<3 | IDT | EXT)")
    void notPresentGate() {
        PagingFixture f = long4(true, true);
        IdtDelivery.Result r = IdtDelivery.deliver(13, 0, user64(), tables(), port(f.mmu()));
        assertThat(r.ok()).isFalse();
        assertThat(r.stage()).isEqualTo(IdtDelivery.Stage.GATE);
        assertThat(r.fault().vector()).isEqualTo(Vectors.NP);
        assertThat(r.fault().errorCode()).isEqualTo(13 * 8 + 3);
    }

    @Test
    @DisplayName("1.1g an empty gate (type 0) is #GP with the IDT error code")
    void invalidGate() {
        PagingFixture f = long4(true, true);
        IdtDelivery.Result r = IdtDelivery.deliver(6, null, user64(), tables(), port(f.mmu()));
        assertThat(r.fault().vector()).isEqualTo(Vectors.GP);
        assertThat(r.fault().errorCode()).isEqualTo(6 * 8 + 3);
    }

    @Test
    @DisplayName("1.1g a #PF on the gate read is reported (implicit supervisor read: ec 0, CR2 = gate address)")
    void gateFaultReported() {
        PagingFixture f = long4(false, true);
        IdtDelivery.Result r = IdtDelivery.deliver(14, 6, user64(), tables(), port(f.mmu()));
        assertThat(r.stage()).isEqualTo(IdtDelivery.Stage.GATE);
        assertThat(r.fault().vector()).isEqualTo(Vectors.PF);
        assertThat(r.fault().errorCode()).isZero();
        assertThat(r.fault().cr2()).isEqualTo(IDT + 14 * 16);
    }

    @Test
    @DisplayName("1.1g a #PF on the stack push is reported (supervisor write: ec W, CR2 = slot address)")
    void stackFaultReported() {
        PagingFixture f = long4(true, false);
        IdtDelivery.Result r = IdtDelivery.deliver(14, 6, user64(), tables(), port(f.mmu()));
        assertThat(r.stage()).isEqualTo(IdtDelivery.Stage.STACK);
        assertThat(r.fault().errorCode()).isEqualTo(PfErrorCode.W);
        assertThat(r.fault().cr2()).isEqualTo(RSP0 - 8);
    }

    @Test
    @DisplayName("1.1g 32-bit gate: privilege change pushes SS, ESP, EFLAGS, CS, EIP, ec as 4-byte slots")
    void legacy32() {
        PagingFixture f = PagingFixture.of(PagingMode.LEGACY2);
        f.map(IDT, 0x300000, EntryLevel.PTE, KERNEL, PagingFixture.UPPER);
        f.map(STACK, 0x301000, EntryLevel.PTE, KERNEL, PagingFixture.UPPER);
        f.mem.write(0x300000 + 14 * 8, 8, IdtGate.of(0xc1000e00L, 0x08, false, 0, 0, true).encode32());
        IdtDelivery.CpuState u = new IdtDelivery.CpuState(3, 0x8048000, 0x1b, 0x202, 0xbffff000L, 0x23, false);
        IdtDelivery.Result r = IdtDelivery.deliver(14, 4, u, new IdtDelivery.Tables(IDT, RSP0, 0x10, List.of()),
                port(f.mmu()));
        assertThat(r.ok()).isTrue();
        assertThat(r.delivered().frame().get("base")).isEqualTo(RSP0 - 24);
        assertThat(f.mem.read(0x301000 + 0xfe8, 4)).isEqualTo(4);
        assertThat(f.mem.read(0x301000 + 0xffc, 4)).isEqualTo(0x23);
        assertThat(r.delivered().after().ss()).isEqualTo(0x10);
    }
}
