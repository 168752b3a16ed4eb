package xpf.sim.x86;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import xpf.model.x86.Vectors;
import xpf.sim.x86.SdmExceptionCombiner.Combination;

/** §1.1g: exception classes (SDM Table 6-4) and the double-fault table (SDM Table 6-5). */
class ExceptionCombinationTest {

    @ParameterizedTest(name = "1.1g class of vector {0} is {1}")
    @CsvSource({"0,CONTRIBUTORY", "1,BENIGN", "2,BENIGN", "3,BENIGN", "6,BENIGN", "7,BENIGN", "8,DOUBLE_FAULT",
        "10,CONTRIBUTORY", "11,CONTRIBUTORY", "12,CONTRIBUTORY", "13,CONTRIBUTORY", "14,PAGE_FAULT", "16,BENIGN",
        "17,BENIGN", "18,BENIGN", "19,BENIGN", "20,PAGE_FAULT", "21,CONTRIBUTORY"})
    @DisplayName("1.1g exception classes")
    void classes(int vector, ExceptionClass expected) {
        assertThat(ExceptionClass.of(vector)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "1.1g Table 6-5: first {0}, second {1} -> {2}")
    @CsvSource({
        // benign first: always serial
        "1,6,SERIAL", "1,13,SERIAL", "1,14,SERIAL",
        // contributory first
        "13,6,SERIAL", "13,12,DOUBLE_FAULT", "0,13,DOUBLE_FAULT", "13,14,SERIAL",
        // page fault first
        "14,6,SERIAL", "14,13,DOUBLE_FAULT", "14,14,DOUBLE_FAULT", "20,14,DOUBLE_FAULT",
        // double fault first
        "8,1,SERIAL", "8,13,TRIPLE_FAULT", "8,14,TRIPLE_FAULT"})
    @DisplayName("1.1g SDM Table 6-5")
    void table65(int first, int second, Combination expected) {
        assertThat(SdmExceptionCombiner.combine(first, second)).isEqualTo(expected);
        int delivered = SdmExceptionCombiner.deliveredVector(first, second);
        switch (expected) {
            case SERIAL -> assertThat(delivered).isEqualTo(second);
            case DOUBLE_FAULT -> assertThat(delivered).isEqualTo(Vectors.DF);
            case TRIPLE_FAULT -> assertThat(delivered).isEqualTo(-1);
        }
    }
}
