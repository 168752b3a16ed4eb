package xpf.prop.choice;

import java.util.Arrays;

/**
 * An immutable recorded choice sequence, ordered shortlex (shorter first, then lexicographically by unsigned
 * value). Shortlex is the shrinker's measure of "simpler": every accepted shrink makes the sequence strictly
 * smaller in this order, which guarantees that shrinking terminates.
 */
public final class ChoiceSequence implements Comparable<ChoiceSequence> {
    public static final ChoiceSequence EMPTY = new ChoiceSequence(new long[0]);

    private final long[] values;
    private final int hash;

    private ChoiceSequence(long[] values) {
        this.values = values;
        this.hash = Arrays.hashCode(values);
    }

    public static ChoiceSequence of(long... values) {
        return new ChoiceSequence(values.clone());
    }

    /** Wraps without copying: the caller hands over the array. */
    public static ChoiceSequence wrap(long[] values) {
        return new ChoiceSequence(values);
    }

    public int length() {
        return values.length;
    }

    public long get(int i) {
        return values[i];
    }

    public long[] toArray() {
        return values.clone();
    }

    @Override
    public int compareTo(ChoiceSequence o) {
        if (values.length != o.values.length) {
            return Integer.compare(values.length, o.values.length);
        }
        for (int i = 0; i < values.length; i++) {
            int c = Long.compareUnsigned(values[i], o.values[i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    public boolean simplerThan(ChoiceSequence o) {
        return compareTo(o) < 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChoiceSequence s && hash == s.hash && Arrays.equals(values, s.values);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(Long.toUnsignedString(values[i]));
        }
        return sb.append(']').toString();
    }
}
