package xpf.prop.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LongRangeTest {
    @Test
    void choicesOrderValuesByDistanceFromZeroPositiveFirst() {
        LongRange r = new LongRange(-3, 5);
        List<Long> values = new ArrayList<>();
        for (long c = 0; c <= r.maxChoice(); c++) {
            values.add(r.valueOf(c));
        }
        assertThat(values).containsExactly(0L, 1L, -1L, 2L, -2L, 3L, -3L, 4L, 5L);
    }

    @Test
    void rangesWithoutZeroShrinkTowardsTheBoundNearestZero() {
        assertThat(new LongRange(10, 20).valueOf(0)).isEqualTo(10);
        assertThat(new LongRange(-20, -10).valueOf(0)).isEqualTo(-10);
        assertThat(new LongRange(-20, -10).valueOf(1)).isEqualTo(-11);
    }

    @ParameterizedTest
    @CsvSource({"-3,5", "0,10", "-10,0", "7,7", "-100,3", "5,9"})
    void theMapIsABijection(long min, long max) {
        LongRange r = new LongRange(min, max);
        Set<Long> seen = new HashSet<>();
        for (long c = 0; c <= r.maxChoice(); c++) {
            long v = r.valueOf(c);
            assertThat(v).isBetween(min, max);
            assertThat(r.choiceOf(v)).isEqualTo(c);
            seen.add(v);
        }
        assertThat(seen).hasSize((int) (max - min + 1));
    }

    @Test
    void theFullLongRangeMapsTheExtremes() {
        LongRange r = new LongRange(Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(r.maxChoice()).isEqualTo(-1L);
        // ... MAX (2^64 - 3), -MAX (2^64 - 2), then MIN alone at the very end
        assertThat(r.valueOf(-1L)).isEqualTo(Long.MIN_VALUE);
        assertThat(r.valueOf(-2L)).isEqualTo(-Long.MAX_VALUE);
        assertThat(r.valueOf(-3L)).isEqualTo(Long.MAX_VALUE);
        assertThat(r.choiceOf(Long.MIN_VALUE)).isEqualTo(-1L);
        assertThat(r.choiceOf(Long.MAX_VALUE)).isEqualTo(-3L);
    }

    @Test
    void edgeCasesIncludeBoundsZeroOnesAndPowersOfTwo() {
        LongRange r = new LongRange(-5, 300);
        Set<Long> edges = new HashSet<>();
        for (long c : r.edgeChoices()) {
            edges.add(r.valueOf(c));
        }
        assertThat(edges).contains(-5L, 300L, 0L, 1L, -1L, -4L, 299L, 2L, 4L, 128L, 256L, 255L, 127L, 63L, -2L, -3L)
                .doesNotContain(512L, -8L);
    }

    @Test
    void emptyRangeIsRejected() {
        assertThatThrownBy(() -> new LongRange(2, 1)).hasMessage("empty range [2, 1]");
    }
}
