package xpf.model.scenario;

import xpf.model.x86.AccessKind;

/**
 * A guest instruction touching linear address {@code va}: read, write (of {@code value}) or fetch, {@code size}
 * bytes, by instruction {@code insn}.
 *
 * @param cpl      the privilege level; null means the vCPU's current one
 * @param implicit an implicit supervisor access (descriptor-table read)
 * @param stack    a stack reference (non-canonical gives #SS(0))
 * @param compare  CMPXCHG's expected old value
 */
public record GuestAccess(long va, AccessKind kind, int size, Long value, Integer cpl, boolean implicit,
        boolean stack, Insn insn, Long compare) implements Operation {

    @Override
    public String opName() {
        return "access";
    }

    public static GuestAccess read(long va) {
        return new GuestAccess(va, AccessKind.READ, 8, null, null, false, false, Insn.LOAD, null);
    }

    public static GuestAccess write(long va, long value) {
        return new GuestAccess(va, AccessKind.WRITE, 8, value, null, false, false, Insn.MOV, null);
    }

    public static GuestAccess fetch(long va) {
        return new GuestAccess(va, AccessKind.FETCH, 1, null, null, false, false, Insn.LOAD, null);
    }
}
