package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import xpf.model.x86.Vectors;
import xpf.sim.x86.SdmExceptionCombiner;

/**
 * §4 / x86-paging.md §1.1g: Xen's {@code hvm_combine_hw_exceptions} next to SDM Table 6-5, on both sides of Xen's
 * precondition ("vec2 is contributory or a page fault").
 */
class CombinationTest {

    @ParameterizedTest(name = "hvm.4 vec1={0} vec2={1}: Xen {2} (triple={3}), SDM {4}")
    @CsvSource({
        // inside the precondition: Xen agrees with the SDM
        "14, 14, 8, false, 8",
        "14, 13, 8, false, 8",
        "20, 14, 8, false, 8",
        "13, 12, 8, false, 8",
        "0, 13, 8, false, 8",
        "13, 14, 14, false, 14",
        "10, 20, 20, false, 20",
        "1, 14, 14, false, 14",
        "2, 13, 13, false, 13",
        "8, 14, 8, true, -1",
        "8, 13, 8, true, -1",
        // outside the precondition (vec2 benign): Xen differs from the SDM's serial delivery
        "14, 6, 8, false, 6",
        "14, 17, 8, false, 17",
        "13, 6, 8, false, 6",
        "8, 1, 8, true, 1"})
    @DisplayName("hvm.4 hvm_combine_hw_exceptions vs SDM Table 6-5")
    void table(int vec1, int vec2, int xen, boolean triple, int sdm) {
        HvmExceptions.Combined c = HvmExceptions.hvmCombineHwExceptions(vec1, vec2);
        assertThat(c.vector()).isEqualTo(xen);
        assertThat(c.tripleFault()).isEqualTo(triple);
        assertThat(SdmExceptionCombiner.deliveredVector(vec1, vec2)).isEqualTo(sdm);
    }

    @ParameterizedTest(name = "hvm.1.3 needs reinjection: type {0} vector {1} -> {2}")
    @CsvSource({"EXT_INTR, 48, true", "NMI, 2, true", "HW_EXC, 14, true", "HW_EXC, 8, true", "HW_EXC, 3, false",
        "HW_EXC, 4, false", "SW_INT, 128, false", "SW_EXC, 3, false", "PRIV_SW_EXC, 1, false"})
    @DisplayName("hvm.1.3 hvm_event_needs_reinjection")
    void reinjection(EventType type, int vector, boolean expected) {
        assertThat(HvmExceptions.hvmEventNeedsReinjection(type, vector)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "hvm.1.4 X86_EXC_HAVE_EC contains {0}: {1}")
    @CsvSource({"8, true", "10, true", "11, true", "12, true", "13, true", "14, true", "17, true", "21, true",
        "29, true", "30, true", "0, false", "1, false", "3, false", "6, false", "18, false", "20, false"})
    @DisplayName("hvm.1.4 vectors with an error code")
    void haveEc(int vector, boolean expected) {
        assertThat(HvmExceptions.HAVE_EC.contains(vector)).isEqualTo(expected);
        assertThat(Vectors.DF).isEqualTo(8);
    }
}
