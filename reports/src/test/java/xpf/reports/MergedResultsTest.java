package xpf.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import xpf.sim.cli.UserError;

/** {@code ./xpf report --results A --results B}: the shards' results folders merge into one, every result kept. */
class MergedResultsTest {

    @Test
    void shardsMergeIntoOneFolderWithEveryResult(@TempDir Path tmp) throws Exception {
        Path a = Files.createDirectories(tmp.resolve("shard-0"));
        Path b = Files.createDirectories(tmp.resolve("shard-1"));
        Files.writeString(a.resolve("1111-result.json"), "{\"name\":\"a\",\"status\":\"passed\"}");
        Files.writeString(a.resolve("environment.properties"), "shard=0\n");
        Files.writeString(b.resolve("2222-result.json"), "{\"name\":\"b\",\"status\":\"failed\"}");
        Files.writeString(b.resolve("3333-attachment.txt"), "x");
        Files.writeString(b.resolve("environment.properties"), "shard=1\n");
        Path into = tmp.resolve("merged");
        Files.createDirectories(into);
        Files.writeString(into.resolve("stale-result.json"), "{}");
        MergedResults.merge(List.of(a, b), into, new PrintWriter(new StringWriter()));
        try (Stream<Path> s = Files.list(into)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(
                    "1111-result.json", "2222-result.json", "3333-attachment.txt", "environment.properties");
        }
        assertThat(Files.readString(into.resolve("environment.properties"))).isEqualTo("shard=1\n");
        ResultsSummary sum = ResultsSummary.read(into);
        assertThat(sum.total()).isEqualTo(2);
    }

    @Test
    void aMissingFolderIsAUserError(@TempDir Path tmp) {
        assertThatThrownBy(() -> MergedResults.merge(List.of(tmp.resolve("nope")), tmp.resolve("m"),
                new PrintWriter(new StringWriter()))).isInstanceOf(UserError.class).hasMessageContaining("no such folder");
    }
}
