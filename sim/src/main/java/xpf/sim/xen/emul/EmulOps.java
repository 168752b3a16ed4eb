package xpf.sim.xen.emul;

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

    /** The event of the last operation that returned {@link EmulResult#EXCEPTION}. */
    EmulEvent raised();
}
