package xpf.prop.jazzer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static xpf.prop.Gens.ints;
import static xpf.prop.Gens.lists;

import java.util.List;

import org.junit.jupiter.api.Test;

import xpf.prop.Property;
import xpf.prop.PropertyFailure;

/** The Jazzer driver with scripted fuzzer data: same generators, same shrinking, same report. */
class JazzerDriverTest {
    static final Property<List<Integer>> SUM_AT_MOST_100 = Property.forAll(lists(ints(0, 1000), 0, 10))
            .holds(xs -> xs.stream().mapToInt(Integer::intValue).sum() <= 100);

    @Test
    void fuzzerBytesDriveTheGeneratorsAndAFailureShrinks() {
        // coin 1, 60, coin 1, 70, coin 0: the list [60, 70]
        PropertyFailure f = catchThrowableOfType(PropertyFailure.class,
                () -> JazzerDriver.fuzz(SUM_AT_MOST_100, new ScriptedData(1, 60, 1, 70, 0)));
        assertThat(f.result().counterexample().original()).isEqualTo("[60, 70]");
        assertThat(f.result().counterexample().shrunk()).isEqualTo(List.of(101));
        assertThat(f.result().counterexample().tryIndex()).isEqualTo(-1);
        assertThat(f.getMessage()).contains("(fuzzer input)")
                .contains("-Dtest=JazzerDriverTest#fuzzerBytesDriveTheGeneratorsAndAFailureShrinks");
    }

    @Test
    void exhaustedInputMeansTheSimplestValue() {
        assertThatCode(() -> JazzerDriver.fuzz(SUM_AT_MOST_100, new ScriptedData())).doesNotThrowAnyException();
    }

    @Test
    void largeUnsignedRangesFoldIntoRange() {
        FuzzSource s = new FuzzSource(new ScriptedData(-5L, 7L));
        long max = -10L; // 2^64 - 10 as unsigned
        assertThat(Long.compareUnsigned(s.next(max), max)).isLessThanOrEqualTo(0);
        assertThat(s.next(max)).isEqualTo(7L);
    }
}
