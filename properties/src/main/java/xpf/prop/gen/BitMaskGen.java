package xpf.prop.gen;

import java.util.ArrayList;
import java.util.List;

import xpf.prop.Choices;
import xpf.prop.Gen;

/**
 * Bit masks assembled from named groups of bits, as page-table entries are: some bits always set, some set each
 * with a probability, exactly one of a group, and free-form fields (an address) drawn as numbers. Every optional
 * bit is its own coin, so shrinking clears bits one by one and a failing entry shrinks to the bits that matter.
 *
 * <pre>{@code
 * BitMaskGen pte = BitMaskGen.builder()
 *     .always(P).maybe(0.5, RW, US, A, D).exactlyOne(PWT, PCD).field("frame", 0x000f_ffff_ffff_f000L)
 *     .build();
 * pte.describe(0x63)  // "P|RW|A|D"
 * }</pre>
 */
public final class BitMaskGen implements Gen<Long> {

    /** One group of bits; a closed set, so generation and description switch over it exhaustively. */
    sealed interface Part permits Always, Maybe, ExactlyOne, Field {
    }

    record Always(List<Bit> bits) implements Part {
    }

    record Maybe(double probability, List<Bit> bits) implements Part {
    }

    record ExactlyOne(List<Bit> bits) implements Part {
    }

    /** Any value of the bits under {@code mask}; edge cases (0, all ones, powers of two) come from a LongRange. */
    record Field(String name, long mask, LongRange packed) implements Part {
    }

    private final List<Part> parts;

    private BitMaskGen(List<Part> parts) {
        this.parts = List.copyOf(parts);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Long generate(Choices choices) {
        long value = 0;
        for (Part part : parts) {
            value |= switch (part) {
                case Always a -> masks(a.bits());
                case Maybe m -> {
                    long v = 0;
                    for (Bit b : m.bits()) {
                        if (choices.coin(m.probability())) {
                            v |= b.mask();
                        }
                    }
                    yield v;
                }
                case ExactlyOne e -> e.bits().get(choices.index(e.bits().size())).mask();
                case Field f -> Long.expand(
                        f.packed().valueOf(choices.choose(f.packed().maxChoice(), f.packed().edgeChoices())), f.mask());
            };
        }
        return value;
    }

    /** Names the set bits ({@code P|RW|US}) and fields ({@code frame=0x1234000}); unnamed set bits as {@code bit12}. */
    public String describe(long value) {
        List<String> names = new ArrayList<>();
        long known = 0;
        for (Part part : parts) {
            switch (part) {
                case Always a -> known |= nameBits(a.bits(), value, names);
                case Maybe m -> known |= nameBits(m.bits(), value, names);
                case ExactlyOne e -> known |= nameBits(e.bits(), value, names);
                case Field f -> {
                    known |= f.mask();
                    names.add(f.name() + "=0x" + Long.toHexString(value & f.mask()));
                }
            }
        }
        long rest = value & ~known;
        for (int i = 0; i < 64; i++) {
            if ((rest & (1L << i)) != 0) {
                names.add("bit" + i);
            }
        }
        return names.isEmpty() ? "0" : String.join("|", names);
    }

    private static long nameBits(List<Bit> bits, long value, List<String> names) {
        long known = 0;
        for (Bit b : bits) {
            known |= b.mask();
            if ((value & b.mask()) != 0) {
                names.add(b.name());
            }
        }
        return known;
    }

    private static long masks(List<Bit> bits) {
        long v = 0;
        for (Bit b : bits) {
            v |= b.mask();
        }
        return v;
    }

    /** Collects the groups in order; the order is the order of the choices. */
    public static final class Builder {
        private final List<Part> parts = new ArrayList<>();
        private long used;

        public Builder always(Bit... bits) {
            return add(new Always(List.of(bits)), bits);
        }

        public Builder maybe(double probability, Bit... bits) {
            if (probability < 0 || probability > 1) {
                throw new IllegalArgumentException("probability must be in [0, 1], got " + probability);
            }
            return add(new Maybe(probability, List.of(bits)), bits);
        }

        public Builder exactlyOne(Bit... bits) {
            if (bits.length == 0) {
                throw new IllegalArgumentException("exactlyOne needs at least one bit");
            }
            return add(new ExactlyOne(List.of(bits)), bits);
        }

        public Builder field(String name, long mask) {
            if (mask == 0) {
                throw new IllegalArgumentException("field " + name + " has an empty mask");
            }
            claim(mask, name);
            int width = Long.bitCount(mask);
            long top = width == 64 ? -1L : (1L << width) - 1;
            parts.add(new Field(name, mask, width == 64 ? new LongRange(Long.MIN_VALUE, Long.MAX_VALUE)
                    : new LongRange(0, top)));
            return this;
        }

        private Builder add(Part part, Bit... bits) {
            for (Bit b : bits) {
                claim(b.mask(), b.name());
            }
            parts.add(part);
            return this;
        }

        private void claim(long mask, String name) {
            if ((used & mask) != 0) {
                throw new IllegalArgumentException(name + " overlaps bits already used by another group");
            }
            used |= mask;
        }

        public BitMaskGen build() {
            return new BitMaskGen(parts);
        }
    }
}
