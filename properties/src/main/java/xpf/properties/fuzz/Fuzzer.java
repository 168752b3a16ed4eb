package xpf.properties.fuzz;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import xpf.properties.SuiteRun;
import xpf.properties.check.Oracles;
import xpf.properties.check.Violation;
import xpf.properties.gen.Generated;
import xpf.prop.Choices;
import xpf.prop.Discard;
import xpf.prop.Gen;
import xpf.prop.TooManyRejections;
import xpf.prop.choice.ChoiceSequence;
import xpf.prop.choice.Overrun;
import xpf.prop.choice.RandomSource;
import xpf.prop.choice.ReplaySource;
import xpf.prop.choice.Seeds;
import xpf.sim.cli.Shard;

/**
 * The random mode of {@code xpf fuzz}: try {@code t} of a run draws every choice from {@code Seeds.forTry(seed, t)}
 * (the property engine's seeding), generates a scenario with the suite's generators, runs it through the simulator
 * with the suite's checker after every step, and hands a failure to {@link Triage}. A shard {@code i/n} runs the
 * tries {@code t} with {@code t mod n == i}, so the shards of a run together run exactly its tries, each once.
 * Results depend only on the seed, the scope, the shard and the number of tries (never on timing); a time budget
 * only decides how many tries run. One thread: scale out with shards (processes, CI jobs).
 */
public final class Fuzzer {

    /**
     * @param tries   tries to run (this shard's share of {@code 0..tries-1}), or 0 for no limit
     * @param time    wall-clock budget, or null
     * @param onlyTry run this try index alone (repeats one failure), or -1
     */
    public record Config(long seed, long tries, Duration time, long onlyTry, Shard shard, FuzzScope scope,
            Corpus corpus, CrashFiles crashes, Oracles oracles) {
    }

    /** Counts of a family. */
    public static final class FamilyCounts {
        public long tries;
        public long failures;
        /** With --bug: failures the scenario has without the seeded bugs too (not counted as the bug's). */
        public long baseline;
        public final Set<String> paths = new LinkedHashSet<>();
    }

    /** The result of a run. */
    public record Summary(long tries, long discarded, long corpusReplayed, long corpusAdded, long failures,
            List<Finding> findings, Set<String> pathsReached, List<String> cataloguePaths,
            Map<String, FamilyCounts> byFamily, double seconds, boolean interrupted, boolean timeUp) {
    }

    private final Config cfg;
    private final AtomicLong done = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private volatile Triage triage;
    private final Set<String> reached = java.util.Collections.synchronizedSet(new LinkedHashSet<>());

    public Fuzzer(Config cfg) {
        this.cfg = cfg;
    }

    /** Tries run so far (for the progress line). */
    public AtomicLong done() {
        return done;
    }

    /** Asks the run to stop after the current try (Ctrl-C). */
    public void requestStop() {
        stop.set(true);
    }

    public int pathsReached() {
        return reached.size();
    }

    public long failures() {
        Triage t = triage;
        return t == null ? 0 : t.failures();
    }

    public int unique() {
        Triage t = triage;
        return t == null ? 0 : t.unique();
    }

    public Summary run() {
        long start = System.nanoTime();
        long deadline = cfg.time() == null ? Long.MAX_VALUE : start + cfg.time().toNanos();
        Triage tri = new Triage(cfg.scope(), cfg.oracles(), cfg.crashes());
        this.triage = tri;
        Gen<Generated> gen = cfg.scope().gen();
        Choices choices = new Choices(null);
        Map<String, FamilyCounts> byFamily = new TreeMap<>();
        long discarded = 0;
        long corpusReplayed = 0;
        long corpusAdded = 0;
        // 1. the corpus: replayed first, so saved inputs are re-checked and their paths count as reached
        if (cfg.corpus() != null && cfg.onlyTry() < 0) {
            for (ChoiceSequence entry : cfg.corpus().load()) {
                if (stop.get()) {
                    break;
                }
                corpusReplayed++;
                one(gen, choices, new ReplaySource(entry.toArray()), -1, tri, byFamily, start, "corpus entry");
            }
        }
        // 2. fresh tries
        RandomSource random = new RandomSource();
        long tries = 0;
        boolean timeUp = false;
        Shard sh = cfg.shard();
        long first = cfg.onlyTry() >= 0 ? cfg.onlyTry() : sh.index();
        long step = cfg.onlyTry() >= 0 ? 1 : sh.count();
        long end = cfg.onlyTry() >= 0 ? cfg.onlyTry() + 1 : cfg.tries() > 0 ? cfg.tries() : Long.MAX_VALUE;
        for (long t = first; t < end && t >= 0; t += step) {
            if (stop.get()) {
                break;
            }
            if (System.nanoTime() - deadline > 0) {
                timeUp = true;
                break;
            }
            int r = one(gen, choices, random.reseed(Seeds.forTry(cfg.seed(), t)), t, tri, byFamily, start, null);
            tries++;
            done.incrementAndGet();
            if (r == DISCARD) {
                discarded++;
            } else if (r == NEW_PATH && cfg.corpus() != null) {
                try {
                    cfg.corpus().save(choices.recorded(), "seed " + cfg.seed() + " try " + t);
                    corpusAdded++;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("fuzz: cannot write the corpus: " + e.getMessage(), e);
                }
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        return new Summary(tries, discarded, corpusReplayed, corpusAdded, tri.failures(), tri.findings(),
                new LinkedHashSet<>(reached), cfg.scope().cataloguePaths(), byFamily, secs, stop.get(), timeUp);
    }

    private static final int PASS = 0;
    private static final int NEW_PATH = 1;
    private static final int DISCARD = 2;
    private static final int FAIL = 3;

    private int one(Gen<Generated> gen, Choices choices, xpf.prop.choice.ChoiceSource source, long t, Triage tri,
            Map<String, FamilyCounts> byFamily, long start, String what) {
        choices.reset(source);
        Generated g;
        try {
            g = gen.generate(choices);
        } catch (Discard | TooManyRejections | Overrun e) {
            return DISCARD;
        } catch (RuntimeException | StackOverflowError e) {
            tri.report(choices.recorded(), e, null, t, done.get(), seconds(start), found(t, what));
            return FAIL;
        }
        FamilyCounts fc = byFamily.computeIfAbsent(g.family(), k -> new FamilyCounts());
        fc.tries++;
        SuiteRun.Report rep;
        try {
            rep = Triage.check(g, cfg.oracles(), cfg.scope().bugs());
        } catch (Triage.BaselineFailure b) {
            fc.baseline++;
            return PASS;
        } catch (Violation v) {
            fc.failures++;
            tri.report(choices.recorded(), v, g, t, done.get(), seconds(start), found(t, what));
            return FAIL;
        }
        boolean fresh = false;
        for (String p : rep.paths()) {
            fc.paths.add(p);
            fresh |= reached.add(p);
        }
        return fresh ? NEW_PATH : PASS;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private String found(long t, String what) {
        if (what != null) {
            return what + " of --corpus (scope " + cfg.scope().describe() + ")";
        }
        return "./xpf fuzz --seed " + cfg.seed() + " --try " + t + FuzzCommand.scopeFlags(cfg.scope())
                + " (scope " + cfg.scope().describe() + ")";
    }
}
