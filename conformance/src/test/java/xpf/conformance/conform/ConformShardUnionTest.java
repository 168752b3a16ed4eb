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
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    @DisplayName("matrix: the shards' case ranges add up to the unsharded subsets, each shard its own result")
    void matrixShardsPartitionTheCases(@TempDir Path tmp) throws Exception {
        TreeMap<String, Long> whole = matrixCases(tmp.resolve("all"), Shard.ALL);
        assertThat(whole).isNotEmpty();
        TreeMap<String, Long> sum = new TreeMap<>();
        Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < N; i++) {
            Path dir = tmp.resolve("s" + i);
            matrixCases(dir, new Shard(i, N)).forEach((k, v) -> sum.merge(k, v, Long::sum));
            for (JsonNode r : results(dir)) {
                assertThat(names.add(r.path("historyId").asText(r.path("fullName").asText())))
                        .as("each shard's result has its own id, so merged results do not collapse into retries")
                        .isTrue();
            }
        }
        assertThat(sum).isEqualTo(whole);
    }

    private static final Pattern CASES = Pattern.compile("^([\\d,]+) cases");

    /** Cases per subset name (the shard suffix removed), from the part's results. */
    private static TreeMap<String, Long> matrixCases(Path results, Shard sh) throws Exception {
        Files.createDirectories(results);
        ConformContext ctx = new ConformContext(DocsSection.root(), results, Set.of("x86"), null, false, sh,
                new PrintWriter(new StringWriter()));
        new MatrixPart().run(ctx);
        TreeMap<String, Long> m = new TreeMap<>();
        for (JsonNode r : results(results)) {
            String name = r.path("name").asText().replaceAll(" \\(shard \\d+/\\d+\\)$", "");
            String msg = r.path("statusDetails").path("message").asText();
            Matcher c = CASES.matcher(msg.replaceFirst("^.*?: (?=[\\d,]+ cases)", ""));
            assertThat(c.find()).as("case count in '%s'", msg).isTrue();
            m.put(name, Long.parseLong(c.group(1).replace(",", "")));
        }
        return m;
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
