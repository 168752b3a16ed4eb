package xpf.conformance.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.conformance.reference.ReferenceWalk;
import xpf.model.x86.PagingMode;

/**
 * The matrix subsets that run in the default build: access.c's space as a 4-wise covering array at both paging
 * depths, a 1-in-256 stride through the whole access.c space, and the extended space 3-wise. Simulator against
 * reference, 0 mismatches. The exhaustive run is {@code ./xpf matrix} (or {@code -Pexhaustive}).
 */
class MatrixSubsetTest {

    private static void assertNoMismatch(MatrixRunner.Summary s) {
        assertThat(s.mismatches()).as("first mismatches of %d", s.mismatchCount()).isEmpty();
        assertThat(s.mismatchCount()).isZero();
    }

    @Test
    @DisplayName("2a access.c space, 4-wise covering array, 4- and 5-level: sim = reference")
    void accessCFourWise() {
        AccessCSpace s = new AccessCSpace(AccessCSpace.Host.TYPICAL);
        List<int[]> rows = CoveringArray.generate(s, 4, 1).rows();
        for (PagingMode m : List.of(PagingMode.LONG4, PagingMode.LONG5)) {
            MatrixRunner.Summary sum = MatrixRunner.run(0, rows.size(), 2, i -> {
                int flags = AccessCSpace.toFlags(rows.get((int) i));
                return new MatrixRunner.MatrixCase(i, AccessCFlag.describe(flags), AccessCCase.build(flags, m, 40),
                        AccessCFlag.ACCESS_TWICE.in(flags));
            }, ReferenceWalk::evaluate, null, 3);
            assertNoMismatch(sum);
        }
    }

    @Test
    @DisplayName("2a access.c space, every 256th case of 19,169,280: sim = reference")
    void accessCStride() {
        AccessCSpace s = new AccessCSpace(AccessCSpace.Host.TYPICAL);
        long n = s.count() / 256;
        var build = MatrixRunner.accessC(s, PagingMode.LONG4);
        MatrixRunner.Summary sum = MatrixRunner.run(0, n, 2, i -> build.apply(i * 256 + (i % 256)),
                ReferenceWalk::evaluate, null, 3);
        assertNoMismatch(sum);
        assertThat(sum.cases()).isEqualTo(74_880);
    }

    @Test
    @DisplayName("1.1a-1.1e extended space (all modes, every level, SMAP, PKS, implicit), 3-wise: sim = reference")
    void extendedThreeWise() {
        XpfWalkSpace s = new XpfWalkSpace();
        List<int[]> rows = CoveringArray.generate(s, 3, 1).rows();
        MatrixRunner.Summary sum = MatrixRunner.run(0, rows.size(), 2,
                i -> new MatrixRunner.MatrixCase(i, s.describe(rows.get((int) i)), s.build(rows.get((int) i)), false),
                ReferenceWalk::evaluate, null, 3);
        assertNoMismatch(sum);
    }

    @Test
    @DisplayName("the checker is not blind: a reference that drops the A bits is caught on the covering array")
    void checkerCatchesAPlantedDifference() {
        AccessCSpace s = new AccessCSpace(AccessCSpace.Host.TYPICAL);
        List<int[]> rows = CoveringArray.generate(s, 3, 1).rows();
        MatrixRunner.Summary sum = MatrixRunner.run(0, rows.size(), 1, i -> {
            int flags = AccessCSpace.toFlags(rows.get((int) i));
            return new MatrixRunner.MatrixCase(i, AccessCFlag.describe(flags),
                    AccessCCase.build(flags, PagingMode.LONG4, 40), AccessCFlag.ACCESS_TWICE.in(flags));
        }, c -> {
            var o = ReferenceWalk.evaluate(c);
            return new xpf.model.x86.WalkOutcome(o.fault(), o.vector(), o.errorCode(), o.cr2(), o.pa(), o.pageSize(),
                    null, o.walk(), o.note());
        }, null, 3);
        assertThat(sum.mismatchCount()).isPositive();
    }
}
