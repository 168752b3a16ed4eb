package xpf.sim.xen.emul;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.Insn;
import xpf.model.x86.AccessKind;

/**
 * {@code x86_emulate} with a caller that supplies {@code ops->rmw} (Xen 4.11+, HVM emulation's {@code hvmemul_rmw}):
 * the {@code DstMem} operand is not read ("else if ( !ops->rmw )" guards {@code read_ulong}); OR and XCHG on memory
 * set {@code state->rmw} and go to {@code ops->rmw} whole; CMPXCHG still reads its destination first. Source:
 * xen-project/xen master c447b73, xen/arch/x86/x86_emulate/x86_emulate.c (S13, docs/reference-model-hvm.md).
 */
class X86EmulateRmwHookTest {

    /** {@link X86EmulateTest.Mem} with an {@code rmw} hook that records its call and applies the operation. */
    static final class RmwMem extends X86EmulateTest.Mem {
        EmulResult rmwRc = EmulResult.OKAY;

        @Override
        public boolean hasRmw() {
            return true;
        }

        @Override
        public EmulResult rmw(long va, int size, LongUnaryOperator op) {
            calls.add("rmw " + Long.toHexString(va) + " " + size);
            if (rmwRc == EmulResult.OKAY) {
                cell = (cell & ~mask(size)) | (op.applyAsLong(cell & mask(size)) & mask(size));
            }
            return rmwRc;
        }
    }

    @Test
    @DisplayName("with ops->rmw, LOCK OR and XCHG go to rmw alone: no read, no cmpxchg; rmw applies old | value / value")
    void orAndXchgUseTheHook() {
        RmwMem m = new RmwMem();
        m.cell = 0x0F;
        assertThat(X86Emulate.emulate(X86EmulateTest.a(AccessKind.WRITE, 8, 0xF0L, Insn.LOCK_OR, null), m, false))
                .isEqualTo(X86Emulate.Result.of(EmulResult.OKAY));
        assertThat(m.calls).containsExactly("validate LOCK_OR 8", "rmw 1000 8");
        assertThat(m.cell).isEqualTo(0xFF);
        m.calls.clear();
        X86Emulate.emulate(X86EmulateTest.a(AccessKind.WRITE, 4, 0x42L, Insn.XCHG, null), m, false);
        assertThat(m.calls).containsExactly("validate XCHG 4", "rmw 1000 4");
        assertThat(m.cell).isEqualTo(0x42);
    }

    @Test
    @DisplayName("with ops->rmw, an exception from rmw comes back with the hook's event; UNHANDLEABLE as is")
    void hookFailures() {
        RmwMem m = new RmwMem();
        m.rmwRc = EmulResult.EXCEPTION;
        assertThat(X86Emulate.emulate(X86EmulateTest.a(AccessKind.WRITE, 8, 1L, Insn.LOCK_OR, null), m, false))
                .isEqualTo(new X86Emulate.Result(EmulResult.EXCEPTION, m.fault, 0));
        m.rmwRc = EmulResult.UNHANDLEABLE;
        assertThat(X86Emulate.emulate(X86EmulateTest.a(AccessKind.WRITE, 8, 1L, Insn.XCHG, null), m, false).rc())
                .isEqualTo(EmulResult.UNHANDLEABLE);
        assertThat(m.calls).doesNotContain("read 1000 8");
    }

    @Test
    @DisplayName("with ops->rmw, CMPXCHG still reads its destination first and compares (read_ulong in its own case)")
    void cmpxchgStillReadsFirst() {
        RmwMem m = new RmwMem();
        m.cell = 0x1234;
        X86Emulate.emulate(X86EmulateTest.a(AccessKind.WRITE, 8, 0x99L, Insn.CMPXCHG, 0x1234L), m, false);
        assertThat(m.calls).containsExactly("validate CMPXCHG 8", "read 1000 8", "cmpxchg 1000 8 1234 99");
        assertThat(m.cell).isEqualTo(0x99);
    }

    @Test
    @DisplayName("without ops->rmw (ptwr, the shadow emulator, 3.1) the default hook is absent and never called")
    void defaultHasNoHook() {
        X86EmulateTest.Mem plain = new X86EmulateTest.Mem();
        assertThat(plain.hasRmw()).isFalse();
        plain.cell = 1;
        X86Emulate.emulate(X86EmulateTest.a(AccessKind.WRITE, 8, 2L, Insn.LOCK_OR, null), plain, false);
        assertThat(plain.calls).containsExactly("validate LOCK_OR 8", "read 1000 8", "cmpxchg 1000 8 1 3");
    }
}
