package xpf.sim.x86;

/**
 * One IDT gate as the processor reads it from memory (SDM vol. 3 §6.11 / §6.14.1, from memory of the manual [MEM]).
 *
 * <p>64-bit gate, 16 bytes: offset 15:0 in bytes 0-1, code selector in bytes 2-3, IST index in bits 2:0 of byte 4,
 * type in bits 3:0 of byte 5 (0xE interrupt gate, 0xF trap gate), DPL in bits 6:5 and P in bit 7 of byte 5,
 * offset 31:16 in bytes 6-7, offset 63:32 in bytes 8-11, bytes 12-15 reserved (zero).
 *
 * <p>32-bit gate (legacy2 and PAE guests), 8 bytes: offset 15:0, selector, byte 4 unused, byte 5 type/DPL/P (0xE
 * 32-bit interrupt gate, 0xF 32-bit trap gate), offset 31:16. 16-bit and task gates are not modelled: any other
 * type is invalid (#GP).
 *
 * @param type the 4-bit gate type
 */
public record IdtGate(long offset, int selector, int ist, int type, int dpl, boolean present) {

    public static final int TYPE_INTERRUPT = 0xE;
    public static final int TYPE_TRAP = 0xF;

    /** An interrupt (or trap) gate to {@code handler} through {@code selector}. */
    public static IdtGate of(long handler, int selector, boolean trap, int dpl, int ist, boolean present) {
        return new IdtGate(handler, selector, ist, trap ? TYPE_TRAP : TYPE_INTERRUPT, dpl, present);
    }

    public boolean validType() {
        return type == TYPE_INTERRUPT || type == TYPE_TRAP;
    }

    public boolean trapGate() {
        return type == TYPE_TRAP;
    }

    /** Bytes per gate: 16 in IA-32e mode, 8 otherwise. */
    public static int size(boolean longMode) {
        return longMode ? 16 : 8;
    }

    private int accessByte() {
        return (type & 0xF) | ((dpl & 3) << 5) | (present ? 0x80 : 0);
    }

    /** The two little-endian quadwords of a 64-bit gate: {low, high}. */
    public long[] encode64() {
        long lo = (offset & 0xFFFFL) | ((long) (selector & 0xFFFF) << 16) | ((long) (ist & 7) << 32)
                | ((long) accessByte() << 40) | (((offset >>> 16) & 0xFFFFL) << 48);
        long hi = (offset >>> 32) & 0xFFFFFFFFL;
        return new long[] {lo, hi};
    }

    /** The little-endian quadword of a 32-bit gate. */
    public long encode32() {
        return (offset & 0xFFFFL) | ((long) (selector & 0xFFFF) << 16) | ((long) accessByte() << 40)
                | (((offset >>> 16) & 0xFFFFL) << 48);
    }

    public static IdtGate decode64(long lo, long hi) {
        int access = (int) ((lo >>> 40) & 0xFF);
        long offset = (lo & 0xFFFFL) | (((lo >>> 48) & 0xFFFFL) << 16) | ((hi & 0xFFFFFFFFL) << 32);
        return new IdtGate(offset, (int) ((lo >>> 16) & 0xFFFF), (int) ((lo >>> 32) & 7), access & 0xF,
                (access >>> 5) & 3, (access & 0x80) != 0);
    }

    public static IdtGate decode32(long q) {
        int access = (int) ((q >>> 40) & 0xFF);
        long offset = (q & 0xFFFFL) | (((q >>> 48) & 0xFFFFL) << 16);
        return new IdtGate(offset, (int) ((q >>> 16) & 0xFFFF), 0, access & 0xF, (access >>> 5) & 3,
                (access & 0x80) != 0);
    }
}
