package xpf.sim.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.DomainSpec;

/** The spare frames (right after the highest named frame, 0x1000.. without named frames) against the stream formula. */
class SpareFramesTest {

    private static DomainSpec spec(LinkedHashMap<String, Long> frames, int spare) {
        return new DomainSpec("d", DomainKind.BARE, null, false, Set.of(), frames, spare, List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of(), List.of(), null);
    }

    @Test
    @DisplayName("first spare frame and the spare list equal max(named)+1 .. (0x1000 with no named frame)")
    void equalsStreamFormula() {
        Random r = new Random(11);
        for (int k = 0; k < 300; k++) {
            LinkedHashMap<String, Long> frames = new LinkedHashMap<>();
            int n = r.nextInt(6);
            for (int i = 0; i < n; i++) {
                frames.put("f" + i, r.nextInt(3) == 0 ? r.nextLong() >> r.nextInt(64) : 0x1000L + r.nextInt(64));
            }
            int spare = r.nextInt(5) - 1;
            DomainSpec d = spec(frames, spare);
            long want = frames.values().stream().mapToLong(Long::longValue).max().orElse(0x1000 - 1) + 1;
            assertThat(InitialMemory.firstSpareFrame(d)).isEqualTo(want);
            List<Long> wantList = new ArrayList<>();
            for (int i = 0; i < spare; i++) {
                wantList.add(want + i);
            }
            assertThat(InitialMemory.spareFrames(d)).containsExactlyElementsOf(wantList);
        }
    }
}
