package xpf.conformance.conform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import xpf.conformance.bugs.DocsSection;
import xpf.sim.cli.Shard;

/**
 * {@code xpf conform --shard i/n}: the shards of a run together run exactly the run's work, each piece once. The corpus
 * part splits the scenario files round-robin; the matrix part splits every subset's index range.
 */
class ConformShardUnionTest {

    private static final int N = 3;

    @Test
    @DisplayName("corpus: the shards' scenario results are disjoint and their union is the unsharded run")
    void corpusShardsPartitionTheFiles(@TempDir Path tmp) throws Exception {
        List<String> whole = corpusResults(tmp.resolve("all"), Shard.ALL);
        assertThat(whole).hasSizeGreaterThan(N);
        List<String> union = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            List<String> part = corpusResults(tmp.resolve("s" + i), new Shard(i, N));
            assertThat(part).as("shard %d/%d runs something", i, N).isNotEmpty();
            union.addAll(part);
        }
        assertThat(union).as("no scenario in two shards").doesNotHaveDuplicates();
        assertThat(union).containsExactlyInAnyOrderElementsOf(whole);
    }

    private static List<String> corpusResults(Path results, Shard sh) throws Exception {
        Files.createDirectories(results);
        ConformContext ctx = new ConformContext(DocsSection.root(), results, Set.of("x86"), null, false, sh,
                new PrintWriter(new StringWriter()));
        new CorpusPart().run(ctx);
        List<String> names = new ArrayList<>();
        for (JsonNode r : results(results)) {
            names.add(r.path("fullName").asText());
        }
        return names;
    }

    @Test
    @DisplayName("matrix part: the shards' index ranges of every subset tile the unsharded range (also --deep)")
    // (the covering arrays are built once per JVM and shared by the shards, as in a real run)
    void matrixShardsTileEverySubset() {
        for (boolean deep : new boolean[] {false, true}) {
            List<MatrixPart.Subset> whole = MatrixPart.subsets(ctx(Shard.ALL, deep));
            assertThat(whole).isNotEmpty();
            for (int s = 0; s < whole.size(); s++) {
                MatrixPart.Subset w = whole.get(s);
                assertThat(w.from()).isZero();
                long next = 0;
                for (int i = 0; i < N; i++) {
                    MatrixPart.Subset part = MatrixPart.subsets(ctx(new Shard(i, N), deep)).get(s);
                    assertThat(part.name()).isEqualTo(w.name());
                    assertThat(part.from()).as("%s shard %d starts where shard %d ended", w.name(), i, i - 1)
                            .isEqualTo(next);
                    next = part.to();
                }
                assertThat(next).as("%s: the last shard ends at the end", w.name()).isEqualTo(w.to());
            }
        }
    }

    private static ConformContext ctx(Shard sh, boolean deep) {
        return new ConformContext(DocsSection.root(), Path.of("unused"), Set.of("x86"), null, deep, sh,
                new PrintWriter(new StringWriter()));
    }

    private static List<JsonNode> results(Path dir) throws Exception {
        ObjectMapper om = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(f -> f.getFileName().toString().endsWith("-result.json")).sorted().toList()) {
                out.add(om.readTree(p.toFile()));
            }
        }
        return out;
    }
}
