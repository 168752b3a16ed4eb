package xpf.properties.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import xpf.properties.check.Oracles;
import xpf.sim.cli.Shard;

/**
 * {@code xpf fuzz --shard i/n} and determinism: the shards of a seeded run run exactly its tries (their counts add up,
 * the paths and failure keys they find are, together, the whole run's), and two runs of one seed find the same.
 */
class FuzzerShardTest {

    private static final long SEED = 11;
    private static final long TRIES = 48;

    private static Fuzzer.Summary run(Path crashes, Shard sh, Corpus corpus) {
        FuzzScope scope = FuzzScope.parse("x86", null, List.of());
        return new Fuzzer(new Fuzzer.Config(SEED, TRIES, null, -1, sh, scope, corpus, new CrashFiles(crashes),
                Oracles.available())).run();
    }

    private static Set<String> keys(Fuzzer.Summary s) {
        Set<String> k = new TreeSet<>();
        s.findings().forEach(f -> k.add(f.key() + " first at try " + f.tryIndex()));
        return k;
    }

    @Test
    @DisplayName("the union of 3 shards is the whole run: tries, catalogue paths and failure keys")
    void shardsUnionIsTheWhole(@TempDir Path tmp) {
        Fuzzer.Summary whole = run(tmp.resolve("all"), Shard.ALL, null);
        assertThat(whole.tries()).isEqualTo(TRIES);
        long tries = 0;
        Set<String> paths = new HashSet<>();
        Set<String> failureKeys = new HashSet<>();
        long failing = 0;
        for (int i = 0; i < 3; i++) {
            Fuzzer.Summary s = run(tmp.resolve("s" + i), new Shard(i, 3), null);
            assertThat(s.tries()).isEqualTo(new Shard(i, 3).to(TRIES) - new Shard(i, 3).from(TRIES));
            tries += s.tries();
            paths.addAll(s.pathsReached());
            s.findings().forEach(f -> failureKeys.add(f.key().toString()));
            failing += s.failures();
        }
        assertThat(tries).isEqualTo(TRIES);
        assertThat(paths).isEqualTo(whole.pathsReached());
        assertThat(failing).isEqualTo(whole.failures());
        Set<String> wholeKeys = new HashSet<>();
        whole.findings().forEach(f -> wholeKeys.add(f.key().toString()));
        assertThat(failureKeys).isEqualTo(wholeKeys);
        assertThat(paths).as("the run reaches paths at all").isNotEmpty();
    }

    @Test
    @DisplayName("same seed, same tries, same findings; the corpus replays what the first run saved")
    void deterministicForASeed(@TempDir Path tmp) {
        Corpus corpus = new Corpus(tmp.resolve("corpus"));
        Fuzzer.Summary a = run(tmp.resolve("a"), Shard.ALL, corpus);
        Fuzzer.Summary b = run(tmp.resolve("b"), Shard.ALL, null);
        assertThat(keys(b)).isEqualTo(keys(a));
        assertThat(b.pathsReached()).isEqualTo(a.pathsReached());
        assertThat(b.failures()).isEqualTo(a.failures());
        assertThat(a.corpusAdded()).as("tries that reached a new path were saved").isPositive();
        Fuzzer.Summary c = run(tmp.resolve("c"), Shard.ALL, corpus);
        assertThat(c.corpusReplayed()).isEqualTo(a.corpusAdded());
        assertThat(c.corpusAdded()).as("nothing new after replaying the corpus of the same seed").isZero();
    }

    @Test
    @DisplayName("--shard rejects i >= n like every command")
    void badShard() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Shard.parse("3/3"))
                .isInstanceOf(xpf.sim.cli.UserError.class);
    }
}
