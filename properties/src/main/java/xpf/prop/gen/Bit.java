package xpf.prop.gen;

/** A named bit of a mask, e.g. {@code new Bit("RW", 1)} for a page-table entry's writable bit. */
public record Bit(String name, int position) {
    public Bit {
        if (position < 0 || position > 63) {
            throw new IllegalArgumentException("bit position must be in [0, 63], got " + position);
        }
    }

    public long mask() {
        return 1L << position;
    }
}
