package xpf.conformance.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.conformance.reference.ReferenceWalk;
import xpf.model.x86.PagingMode;

/**
 * The allocation-free access.c checker that the exhaustive matrix and its benchmark use must say exactly what
 * {@link MatrixCheck} says on the built walk case, and must not be blind to a difference in any compared field.
 */
class AccessCCheckerTest {

    private static final AccessCSpace SPACE = new AccessCSpace(AccessCSpace.Host.TYPICAL);

    @Test
    @DisplayName("fast check = MatrixCheck on every 331st access.c case, 4- and 5-level, on one reused checker")
    void agreesWithMatrixCheck() {
        AccessCChecker checker = new AccessCChecker(40);
        long checked = 0;
        for (PagingMode m : List.of(PagingMode.LONG4, PagingMode.LONG5)) {
            for (long i = m.ordinal(); i < SPACE.count(); i += 331) {
                int flags = SPACE.flagsAt(i);
                boolean twice = AccessCFlag.ACCESS_TWICE.in(flags);
                String full = MatrixCheck.check(AccessCCase.build(flags, m, 40), twice, ReferenceWalk::evaluate);
                assertThat(checker.agrees(flags, m)).as("case %d %s", i, AccessCFlag.describe(flags))
                        .isEqualTo(full == null);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(100_000);
    }

    @Test
    @DisplayName("the entries, controls and access of a case (also as the checker caches them) are those of AccessCCase.build")
    void entriesAreTheBuiltCase() {
        long[] a = new long[AccessCCase.MAX_ENTRIES];
        long[] v = new long[AccessCCase.MAX_ENTRIES];
        AccessCChecker cached = new AccessCChecker(40);
        for (long i = 0; i < SPACE.count(); i += 10_007) {
            int flags = SPACE.flagsAt(i);
            for (PagingMode m : List.of(PagingMode.LONG4, PagingMode.LONG5)) {
                var wc = AccessCCase.build(flags, m, 40);
                int n = AccessCCase.entries(flags, m, a, v);
                assertThat(n).isEqualTo(wc.memory().size());
                for (int k = 0; k < n; k++) {
                    assertThat(wc.memory().get(a[k])).isEqualTo(v[k]);
                }
                assertThat(AccessCCase.controls(flags, m)).isEqualTo(wc.controls());
                assertThat(AccessCCase.access(flags)).isEqualTo(wc.access());
                assertThat(cached.controls(flags, m)).isEqualTo(wc.controls());
                assertThat(cached.access(flags)).isEqualTo(wc.access());
            }
        }
    }

    @Test
    @DisplayName("not blind: a reference that sees every A bit set (so reports no A write) is caught")
    void catchesDroppedAccessedBits() {
        long n = SPACE.count() / 512;
        MatrixRunner.Summary sum = MatrixRunner.runAccessC(0, n, 2, SPACE, List.of(PagingMode.LONG4),
                e -> (e & 1) != 0 ? e | 0x20 : e, null, 3);
        assertThat(sum.mismatchCount()).isPositive();
        assertThat(sum.mismatches()).hasSize(3);
    }

    @Test
    @DisplayName("not blind: a reference that sees the PTE's NX bit flipped (fetch faults, error codes) is caught")
    void catchesFlippedNx() {
        MatrixRunner.Summary sum = MatrixRunner.runAccessC(0, SPACE.count() / 512, 1, SPACE,
                List.of(PagingMode.LONG4), e -> (e & 0x200000L) != 0 && (e & 0xFFFL) != 0 ? e ^ (1L << 63) : e,
                null, 3);
        assertThat(sum.mismatchCount()).isPositive();
    }

    @Test
    @DisplayName("exhaustive runner over 80,000 cases straddling the 4- and 5-level halves: 0 mismatches")
    void strideThroughRunner() {
        long n = SPACE.count();
        // Shard-like contiguous ranges at both depths, cut so that both depths are visited.
        MatrixRunner.Summary sum = MatrixRunner.runAccessC(n - 40_000, n + 40_000, 2, SPACE,
                List.of(PagingMode.LONG4, PagingMode.LONG5), null, 3);
        assertThat(sum.mismatches()).isEmpty();
        assertThat(sum.mismatchCount()).isZero();
        assertThat(sum.cases()).isEqualTo(80_000);
    }
}
