package xpf.properties.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * FuzzDigest is the check that a speed-up changed nothing (docs/performance.md): its lines must be a function of seed
 * and try alone, and must carry what a try reached (else equal digests would prove nothing).
 */
class FuzzDigestTest {

    @Test
    void linesAreTheSameOnEveryRunAndCarryWhatEachTryReached() {
        List<String> first = FuzzDigest.lines(1, 40);
        List<String> again = FuzzDigest.lines(1, 40);
        assertThat(again).isEqualTo(first);
        assertThat(first).hasSize(40);
        assertThat(first).allSatisfy(l -> assertThat(l).containsAnyOf(" trace=", " violation ", " threw "));
        assertThat(first).anySatisfy(l -> assertThat(l).containsPattern("trace=[0-9a-f]{16} .*paths=\\[[a-z]"));
        assertThat(FuzzDigest.lines(2, 40)).isNotEqualTo(first);
    }
}
