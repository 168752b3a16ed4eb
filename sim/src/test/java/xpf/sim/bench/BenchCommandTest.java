package xpf.sim.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import xpf.sim.cli.Main;

/** The bench command's output contract (not its timing: figures come from benchmarks, never from unit tests). */
class BenchCommandTest {

    @Test
    void jsonHasTheWalkFiguresTheCoreCountAndTheJdk() throws Exception {
        StringWriter out = new StringWriter();
        int rc = Main.execute(new String[] {"bench", "--json", "--only", "walk", "--seconds", "0.05"},
                new PrintWriter(out), new PrintWriter(new StringWriter()));
        assertThat(rc).isZero();
        JsonNode n = new ObjectMapper().readTree(out.toString());
        assertThat(n.get("walks_per_s").asLong()).isPositive();
        assertThat(n.get("tlb_hits_per_s").asLong()).isPositive();
        assertThat(n.get("cores").asInt()).isPositive();
        assertThat(n.get("jdk").asText()).isNotBlank();
    }

    @Test
    void figureLinesOfAChildRunParseBackToTheSameFigures() {
        StringWriter out = new StringWriter();
        int rc = Main.execute(new String[] {"bench", "--figures", "--only", "walk", "--seconds", "0.05"},
                new PrintWriter(out), new PrintWriter(new StringWriter()));
        assertThat(rc).isZero();
        var figures = BenchCommand.parseFigures(out.toString());
        assertThat(figures).extracting(BenchFigure::key)
                .containsExactly("walks_per_s", "mmu_cold_walks_per_s", "tlb_hits_per_s");
        assertThat(figures.get(0).value()).isPositive();
        assertThat(figures.get(0).goal()).isEqualTo(20e6);
        assertThat(figures.get(0).unit()).isEqualTo("walks/s");
        assertThat(figures.get(0).note()).contains("raw cold 4-level");
    }

    @Test
    void walkChecksumsAgreeBetweenColdRawAndWarmPaths() {
        // All three benchmark loops translate the same pages, so they must produce the same physical addresses.
        long n = WalkBenchmarks.PAGES * 3L;
        long cold = WalkBenchmarks.coldWalks(WalkBenchmarks.fourLevelMmu(), n);
        long raw = WalkBenchmarks.rawWalks(WalkBenchmarks.fourLevelMmu(), n);
        long warm = WalkBenchmarks.warmWalks(WalkBenchmarks.fourLevelMmu(), n);
        assertThat(raw).isEqualTo(cold).isEqualTo(warm);
    }

    @Test
    void unknownBenchmarkIsABadInput() {
        StringWriter err = new StringWriter();
        int rc = Main.execute(new String[] {"bench", "--only", "nope"}, new PrintWriter(new StringWriter()),
                new PrintWriter(err));
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString()).contains("no benchmark named 'nope'");
    }
}
