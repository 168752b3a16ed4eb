package xpf.conformance.matrix;

/**
 * A combinatorial space: {@link #parameters()} parameters, parameter {@code i} taking values {@code 0..size(i)-1},
 * with a legality rule. {@link #completable} answers exactly whether a partial assignment (-1 = unassigned) extends to
 * a legal row, so a covering array never chases a combination no legal row can contain.
 */
public interface ParameterSpace {

    int parameters();

    int size(int parameter);

    String name(int parameter);

    boolean legal(int[] row);

    /** Whether some legal row agrees with {@code partial} on every assigned parameter. */
    boolean completable(int[] partial);
}
