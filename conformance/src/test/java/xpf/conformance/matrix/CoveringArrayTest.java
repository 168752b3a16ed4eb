package xpf.conformance.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Covering arrays cover every coverable t-tuple with legal rows only, deterministically. */
class CoveringArrayTest {

    @Test
    @DisplayName("access.c space, t=3 and t=4: every legal tuple covered, every row legal")
    void accessC() {
        AccessCSpace s = new AccessCSpace(AccessCSpace.Host.TYPICAL);
        for (int t = 3; t <= 4; t++) {
            CoveringArray.Result r = CoveringArray.generate(s, t, 1);
            assertThat(CoveringArray.uncovered(s, t, r.rows())).isZero();
            assertThat(r.rows()).allMatch(s::legal);
            assertThat(r.rows().size()).as("rows for t=" + t).isLessThan(t == 3 ? 120 : 400);
        }
    }

    @Test
    @DisplayName("the extended walk space, t=3: every tuple covered")
    void xpfSpace() {
        XpfWalkSpace s = new XpfWalkSpace();
        CoveringArray.Result r = CoveringArray.generate(s, 3, 1);
        assertThat(CoveringArray.uncovered(s, 3, r.rows())).isZero();
        assertThat(r.rows().size()).isLessThan(600);
    }

    @Test
    @DisplayName("same seed, same array")
    void deterministic() {
        AccessCSpace s = new AccessCSpace(AccessCSpace.Host.TYPICAL);
        List<int[]> a = CoveringArray.generate(s, 3, 42).rows();
        List<int[]> b = CoveringArray.generate(s, 3, 42).rows();
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i)).containsExactly(b.get(i));
        }
    }

    @Test
    @DisplayName("a missing tuple is detected by the checker")
    void checkerFindsGaps() {
        AccessCSpace s = new AccessCSpace(AccessCSpace.Host.TYPICAL);
        List<int[]> rows = CoveringArray.generate(s, 3, 1).rows();
        assertThat(CoveringArray.uncovered(s, 3, rows.subList(0, rows.size() / 2))).isPositive();
    }
}
