package xpf.prop.choice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChoiceFileTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsIncludingUnsignedValuesAboveLongMax() throws Exception {
        ChoiceFile f = new ChoiceFile("a.B#c", -7, 3, ChoiceSequence.of(0, 1, Long.MAX_VALUE, -1L, -2L), "orig",
                "shrunk", "boom", 4, List.of("./mvnw x"));
        Path p = dir.resolve("sub/f.json");
        f.write(p);
        assertThat(Files.readString(p)).contains("18446744073709551615");
        ChoiceFile back = ChoiceFile.read(p);
        assertThat(back).isEqualTo(f);
    }

    @Test
    void malformedFilesNameTheFileAndField() throws Exception {
        Path p = dir.resolve("bad.json");
        Files.writeString(p, "{\"format\":\"xpf-prop-choices/1\",\"property\":\"a#b\",\"choices\":[1,-2]}");
        assertThatThrownBy(() -> ChoiceFile.read(p)).hasMessage("choice file " + p
                + ": field choices[1] must be an integer in [0, 2^64), got -2");
        Files.writeString(p, "{\"format\":\"other\"}");
        assertThatThrownBy(() -> ChoiceFile.read(p)).hasMessageContaining("field format must be");
        Files.writeString(p, "{\"format\":\"xpf-prop-choices/1\",\"choices\":[]}");
        assertThatThrownBy(() -> ChoiceFile.read(p)).hasMessageContaining("field property must be a non-empty string");
        assertThatThrownBy(() -> ChoiceFile.read(dir.resolve("missing.json"))).hasMessageContaining("cannot read choice file");
    }

    @Test
    void shortlexOrdersShorterFirstThenUnsignedLexicographic() {
        assertThat(ChoiceSequence.of(9).simplerThan(ChoiceSequence.of(0, 0))).isTrue();
        assertThat(ChoiceSequence.of(1, 2).simplerThan(ChoiceSequence.of(1, 3))).isTrue();
        assertThat(ChoiceSequence.of(Long.MAX_VALUE).simplerThan(ChoiceSequence.of(-1L))).isTrue();
        assertThat(ChoiceSequence.of(1).simplerThan(ChoiceSequence.of(1))).isFalse();
    }

    @Test
    void replayClampsAndPadsWithTheSimplestChoice() {
        ReplaySource r = new ReplaySource(new long[] {5, 9});
        assertThat(r.next(3)).isEqualTo(3);
        assertThat(r.next(100)).isEqualTo(9);
        assertThat(r.next(100)).isZero();
        assertThat(r.nextCoin(0.9)).isFalse();
    }
}
