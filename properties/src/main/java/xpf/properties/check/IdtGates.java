package xpf.properties.check;

import java.util.function.LongUnaryOperator;
import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.WalkOutcome;

/**
 * Reads a guest's IDT gate as the processor would (the guest may have rewritten its IDT since the scenario started):
 * the gate's linear address translated by the reference walk (an implicit supervisor read), the 8- or 16-byte gate
 * decoded per SDM Vol. 3 §6.11/§6.14.1 (offset 15:0 in bits 15:0, 31:16 in bits 63:48, 63:32 in the second quadword;
 * present in bit 47).
 */
final class IdtGates {

    /** A decoded gate: present bit and handler offset. */
    record Gate(boolean present, long handler) {
    }

    private IdtGates() {
    }

    /**
     * @param mode null when paging is off (linear = physical)
     * @return the gate, or null when its memory cannot be read (not mapped)
     */
    static Gate read(CpuConfig cpu, PagingControls c, PagingMode mode, long[] pdpte, LongUnaryOperator readWord,
            long idtBase, int vector) {
        boolean lm = mode == PagingMode.LONG4 || mode == PagingMode.LONG5;
        long la = idtBase + (long) vector * (lm ? 16 : 8);
        long pa;
        if (mode == null) {
            pa = la & 0xFFFFFFFFL;
        } else {
            WalkOutcome w = WalkProbe.probe(cpu, c.withMode(mode).withSmap(false), pdpte, readWord,
                    new Access(lm ? la : la & 0xFFFFFFFFL, AccessKind.READ, 0, true, false)).outcome();
            if (w.fault()) {
                return null;
            }
            pa = w.pa();
        }
        long q0 = read(readWord, pa);
        boolean present = (q0 & (1L << 47)) != 0;
        long handler = (q0 & 0xFFFFL) | ((q0 >>> 48) << 16);
        if (lm) {
            handler |= (read(readWord, pa + 8) & 0xFFFFFFFFL) << 32;
        }
        return new Gate(present, handler);
    }

    /** An 8-byte little-endian read at any byte address, from aligned words. */
    private static long read(LongUnaryOperator readWord, long pa) {
        int sh = (int) (pa & 7) * 8;
        long lo = readWord.applyAsLong(pa & ~7L);
        if (sh == 0) {
            return lo;
        }
        long hi = readWord.applyAsLong((pa & ~7L) + 8);
        return (lo >>> sh) | (hi << (64 - sh));
    }
}
