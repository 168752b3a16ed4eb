package xpf.sim.xen.emul;

import java.util.function.LongUnaryOperator;

import xpf.model.scenario.Insn;

/**
 * The memory callbacks a caller gives the emulator, as Xen's {@code struct x86_emulate_ops}: ptwr and the shadow code
 * each supply their own (they validate and commit page-table writes differently). Operations that fail with
 * {@link EmulResult#EXCEPTION} report the event through {@link #raised()}.
 */
public interface EmulOps {

    /** {@code validate} hook: may this instruction be emulated at all? */
    boolean validate(Insn insn, int size);

    /** Reads {@code size} bytes at linear {@code va} into {@code out[0]}. */
    EmulResult read(long va, int size, long[] out);

    /** Writes {@code size} bytes. */
    EmulResult write(long va, int size, long value);

    /**
     * Compare-exchange: if memory holds {@code old}, write {@code neu}. {@code observed[0]} receives the value found.
     * A compare failure is {@link EmulResult#OKAY} with {@code observed[0] != old} for a real CMPXCHG instruction;
     * the emulator turns it into {@link EmulResult#RETRY} for implicitly locked read-modify-write instructions.
     */
    EmulResult cmpxchg(long va, int size, long old, long neu, long[] observed);

    /**
     * Whether the caller supplies {@code ops->rmw} (x86_emulate.h, since Xen 4.11): HVM emulation
     * ({@code hvm_emulate_ops}, xen/arch/x86/hvm/emulate.c) does; ptwr ({@code ptwr_emulate_ops}) and the shadow
     * emulator ({@code hvm_shadow_emulator_ops}) do not (checked on xen-project/xen master c447b73, Aug 2026).
     * Without it, {@code x86_emulate} reads a read-modify-write destination first (the {@code DstMem} operand fetch)
     * and commits through {@code cmpxchg}; with it, an implicitly or explicitly locked OR / XCHG on memory is handed
     * to {@link #rmw} whole, with no read beforehand.
     */
    default boolean hasRmw() {
        return false;
    }

    /**
     * {@code ops->rmw}: applies {@code op} to the {@code size}-byte destination at linear {@code va} (read, modify,
     * write as one operation). Only called when {@link #hasRmw()}.
     */
    default EmulResult rmw(long va, int size, LongUnaryOperator op) {
        throw new UnsupportedOperationException("no ops->rmw");
    }

    /** The event of the last operation that returned {@link EmulResult#EXCEPTION}. */
    EmulEvent raised();
}
