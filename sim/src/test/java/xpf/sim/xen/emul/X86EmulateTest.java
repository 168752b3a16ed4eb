package xpf.sim.xen.emul;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Insn;
import xpf.model.x86.AccessKind;

/**
 * {@code x86_emulate}'s use of the caller's {@code x86_emulate_ops} (xen-pv-fault-path.md §3.2, shared by ptwr, the
 * shadow code and HVM MMIO emulation), driven through an in-memory {@link EmulOps} that records every call: which
 * hook each instruction form reaches with which operands, CMPXCHG's own compare (only a match reaches
 * {@code cmpxchg}), the implicitly locked read-modify-writes and their RETRY on a lost race, and how an exception
 * raised by a hook comes back.
 */
class X86EmulateTest {

    /** Memory of one 8-byte cell at {@link #VA}; records calls; can refuse, fault, or race. */
    static class Mem implements EmulOps {
        static final long VA = 0x1000;
        long cell;
        boolean refuse;
        EmulResult readRc = EmulResult.OKAY;
        EmulResult writeRc = EmulResult.OKAY;
        EmulResult cmpxchgRc = EmulResult.OKAY;
        /** Another writer changes the cell between the read and the cmpxchg. */
        Long raceTo;
        final List<String> calls = new ArrayList<>();
        final EmulEvent fault = new EmulEvent(14, 6, VA);

        @Override
        public boolean validate(Insn insn, int size) {
            calls.add("validate " + insn + " " + size);
            return !refuse;
        }

        static long mask(int size) {
            return size >= 8 ? -1L : (1L << (8 * size)) - 1;
        }

        @Override
        public EmulResult read(long va, int size, long[] out) {
            calls.add("read " + Long.toHexString(va) + " " + size);
            out[0] = cell & mask(size);
            return readRc;
        }

        @Override
        public EmulResult write(long va, int size, long value) {
            calls.add("write " + Long.toHexString(va) + " " + size + " " + Long.toHexString(value));
            if (writeRc == EmulResult.OKAY) {
                cell = (cell & ~mask(size)) | (value & mask(size));
            }
            return writeRc;
        }

        @Override
        public EmulResult cmpxchg(long va, int size, long old, long neu, long[] observed) {
            calls.add("cmpxchg " + Long.toHexString(va) + " " + size + " " + Long.toHexString(old) + " "
                    + Long.toHexString(neu));
            if (raceTo != null) {
                cell = raceTo;
            }
            observed[0] = cell & mask(size);
            if (cmpxchgRc == EmulResult.OKAY && observed[0] == (old & mask(size))) {
                cell = (cell & ~mask(size)) | (neu & mask(size));
            }
            return cmpxchgRc;
        }

        @Override
        public EmulEvent raised() {
            return fault;
        }
    }

    static GuestAccess a(AccessKind k, int size, Long value, Insn insn, Long compare) {
        return new GuestAccess(Mem.VA, k, size, value, null, false, false, insn, compare);
    }

    @Test
    @DisplayName("the emulator_fails knob and instruction fetches are UNHANDLEABLE without touching memory")
    void unhandleable() {
        Mem m = new Mem();
        assertThat(X86Emulate.emulate(a(AccessKind.WRITE, 8, 1L, Insn.MOV, null), m, true).rc())
                .isEqualTo(EmulResult.UNHANDLEABLE);
        assertThat(X86Emulate.emulate(a(AccessKind.FETCH, 1, null, Insn.LOAD, null), m, false).rc())
                .isEqualTo(EmulResult.UNHANDLEABLE);
        assertThat(m.calls).isEmpty();
    }

    @Test
    @DisplayName("the validate hook may refuse an instruction: UNHANDLEABLE, no access")
    void validateRefuses() {
        Mem m = new Mem();
        m.refuse = true;
        assertThat(X86Emulate.emulate(a(AccessKind.WRITE, 4, 1L, Insn.MOV, null), m, false).rc())
                .isEqualTo(EmulResult.UNHANDLEABLE);
        assertThat(m.calls).containsExactly("validate MOV 4");
    }

    @Test
    @DisplayName("a load reads the operand through read and returns its value; a faulting read returns the hook's event")
    void load() {
        Mem m = new Mem();
        m.cell = 0x1122334455667788L;
        X86Emulate.Result r = X86Emulate.emulate(a(AccessKind.READ, 4, null, Insn.LOAD, null), m, false);
        assertThat(r).isEqualTo(new X86Emulate.Result(EmulResult.OKAY, null, 0x55667788L));
        assertThat(m.calls).containsExactly("validate LOAD 4", "read 1000 4");
        m.readRc = EmulResult.EXCEPTION;
        assertThat(X86Emulate.emulate(a(AccessKind.READ, 8, null, Insn.LOAD, null), m, false))
                .isEqualTo(new X86Emulate.Result(EmulResult.EXCEPTION, m.fault, 0));
        m.readRc = EmulResult.UNHANDLEABLE;
        X86Emulate.Result u = X86Emulate.emulate(a(AccessKind.READ, 8, null, Insn.LOAD, null), m, false);
        assertThat(u.rc()).isEqualTo(EmulResult.UNHANDLEABLE);
        assertThat(u.event()).isNull();
    }

    @Test
    @DisplayName("no instruction form given: a write is a MOV, a read a LOAD; a store without a value stores 0")
    void defaultForms() {
        Mem m = new Mem();
        m.cell = 0x77;
        X86Emulate.emulate(a(AccessKind.WRITE, 2, 0x1234L, null, null), m, false);
        assertThat(m.calls).containsExactly("validate MOV 2", "write 1000 2 1234");
        assertThat(X86Emulate.emulate(a(AccessKind.READ, 2, null, null, null), m, false).value()).isEqualTo(0x1234);
        m.calls.clear();
        X86Emulate.emulate(a(AccessKind.WRITE, 8, null, Insn.MOV, null), m, false);
        assertThat(m.calls).containsExactly("validate MOV 8", "write 1000 8 0");
    }

    @Test
    @DisplayName("MOV and MOVDQU store through write; a faulting write returns the hook's event")
    void stores() {
        Mem m = new Mem();
        assertThat(X86Emulate.emulate(a(AccessKind.WRITE, 16, 5L, Insn.MOVDQU, null), m, false).rc())
                .isEqualTo(EmulResult.OKAY);
        assertThat(m.calls).containsExactly("validate MOVDQU 16", "write 1000 16 5");
        m.writeRc = EmulResult.EXCEPTION;
        assertThat(X86Emulate.emulate(a(AccessKind.WRITE, 8, 5L, Insn.MOV, null), m, false))
                .isEqualTo(new X86Emulate.Result(EmulResult.EXCEPTION, m.fault, 0));
    }

    @Test
    @DisplayName("CMPXCHG compares the operand-sized destination with rAX itself: a match calls cmpxchg(old, new), a "
            + "mismatch completes (OKAY) without it")
    void cmpxchg() {
        Mem m = new Mem();
        m.cell = 0xAAAA_0000_0000_1234L;
        // 2-byte operand: only the low 2 bytes of the compare value count
        assertThat(X86Emulate.emulate(a(AccessKind.WRITE, 2, 0x5678L, Insn.CMPXCHG, 0xFFFF_1234L), m, false).rc())
                .isEqualTo(EmulResult.OKAY);
        assertThat(m.calls).containsExactly("validate CMPXCHG 2", "read 1000 2", "cmpxchg 1000 2 1234 5678");
        assertThat(m.cell).isEqualTo(0xAAAA_0000_0000_5678L);
        m.calls.clear();
        assertThat(X86Emulate.emulate(a(AccessKind.WRITE, 8, 9L, Insn.CMPXCHG, 0x1234L), m, false))
                .isEqualTo(X86Emulate.Result.of(EmulResult.OKAY));
        assertThat(m.calls).containsExactly("validate CMPXCHG 8", "read 1000 8");
        // no compare value: rAX is 0
        m.cell = 0;
        m.calls.clear();
        X86Emulate.emulate(a(AccessKind.WRITE, 8, 3L, Insn.CMPXCHG, null), m, false);
        assertThat(m.calls).containsExactly("validate CMPXCHG 8", "read 1000 8", "cmpxchg 1000 8 0 3");
        assertThat(m.cell).isEqualTo(3);
    }

    @Test
    @DisplayName("CMPXCHG whose destination read faults returns the event; cmpxchg's own failure is returned as is")
    void cmpxchgFaults() {
        Mem m = new Mem();
        m.readRc = EmulResult.EXCEPTION;
        assertThat(X86Emulate.emulate(a(AccessKind.WRITE, 8, 1L, Insn.CMPXCHG, 0L), m, false))
                .isEqualTo(new X86Emulate.Result(EmulResult.EXCEPTION, m.fault, 0));
        Mem n = new Mem();
        n.cmpxchgRc = EmulResult.UNHANDLEABLE;
        assertThat(X86Emulate.emulate(a(AccessKind.WRITE, 8, 1L, Insn.CMPXCHG, 0L), n, false).rc())
                .isEqualTo(EmulResult.UNHANDLEABLE);
        Mem e = new Mem();
        e.cmpxchgRc = EmulResult.EXCEPTION;
        assertThat(X86Emulate.emulate(a(AccessKind.WRITE, 8, 1L, Insn.CMPXCHG, 0L), e, false))
                .isEqualTo(new X86Emulate.Result(EmulResult.EXCEPTION, e.fault, 0));
    }

    @Test
    @DisplayName("XCHG and LOCK OR read, then cmpxchg(old, new) with new = value / old | value")
    void lockedReadModifyWrite() {
        Mem m = new Mem();
        m.cell = 0x0F;
        assertThat(X86Emulate.emulate(a(AccessKind.WRITE, 8, 0xF0L, Insn.LOCK_OR, null), m, false).rc())
                .isEqualTo(EmulResult.OKAY);
        assertThat(m.calls).containsExactly("validate LOCK_OR 8", "read 1000 8", "cmpxchg 1000 8 f ff");
        assertThat(m.cell).isEqualTo(0xFF);
        m.calls.clear();
        X86Emulate.emulate(a(AccessKind.WRITE, 8, 0x42L, Insn.XCHG, null), m, false);
        assertThat(m.calls).containsExactly("validate XCHG 8", "read 1000 8", "cmpxchg 1000 8 ff 42");
        assertThat(m.cell).isEqualTo(0x42);
    }

    @Test
    @DisplayName("a locked read-modify-write that lost a race (cmpxchg saw another value) is RETRY: re-executed")
    void lostRaceIsRetry() {
        Mem m = new Mem();
        m.cell = 1;
        m.raceTo = 2L;
        assertThat(X86Emulate.emulate(a(AccessKind.WRITE, 8, 4L, Insn.LOCK_OR, null), m, false))
                .isEqualTo(X86Emulate.Result.of(EmulResult.RETRY));
        assertThat(m.cell).as("nothing stored on a lost race").isEqualTo(2);
    }

    @Test
    @DisplayName("XCHG whose read faults returns the event; a faulting cmpxchg returns its event")
    void lockedFaults() {
        Mem m = new Mem();
        m.readRc = EmulResult.EXCEPTION;
        assertThat(X86Emulate.emulate(a(AccessKind.WRITE, 8, 1L, Insn.XCHG, null), m, false))
                .isEqualTo(new X86Emulate.Result(EmulResult.EXCEPTION, m.fault, 0));
        assertThat(m.calls).noneMatch(c -> c.startsWith("cmpxchg"));
        Mem e = new Mem();
        e.cmpxchgRc = EmulResult.EXCEPTION;
        assertThat(X86Emulate.emulate(a(AccessKind.WRITE, 8, 1L, Insn.XCHG, null), e, false))
                .isEqualTo(new X86Emulate.Result(EmulResult.EXCEPTION, e.fault, 0));
    }
}
