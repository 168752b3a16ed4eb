package xpf.properties.fuzz;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import xpf.sim.cli.Shard;

/** The final table of a random-mode run (stdout): counts, rate, paths, families, and the unique failures. */
final class FuzzTable {

    private final long seed;
    private final Shard shard;
    private final FuzzScope scope;

    FuzzTable(long seed, Shard shard, FuzzScope scope) {
        this.seed = seed;
        this.shard = shard;
        this.scope = scope;
    }

    void print(Fuzzer.Summary s, PrintWriter out) {
        out.println();
        out.printf(Locale.ROOT, "xpf fuzz: seed %d, shard %s, scope %s%s%n", seed, shard, scope.describe(),
                s.interrupted() ? " (interrupted: Ctrl-C or SIGTERM)" : s.timeUp() ? " (time budget used)" : "");
        out.printf(Locale.ROOT, "  %-18s %,d (%,d discarded)%n", "tries", s.tries(), s.discarded());
        if (s.corpusReplayed() > 0 || s.corpusAdded() > 0) {
            out.printf(Locale.ROOT, "  %-18s %,d entries replayed, %,d added%n", "corpus", s.corpusReplayed(),
                    s.corpusAdded());
        }
        out.printf(Locale.ROOT, "  %-18s %,.0f scenarios/s (%.1f s wall, one thread, shrinking included)%n", "rate",
                s.tries() / Math.max(1e-9, s.seconds()), s.seconds());
        long reached = s.cataloguePaths().stream().filter(s.pathsReached()::contains).count();
        out.printf(Locale.ROOT, "  %-18s %d of %d catalogue paths reached%n", "paths", reached,
                s.cataloguePaths().size());
        out.printf(Locale.ROOT, "  %-18s %,d failing tries, %d unique (check, path)%n", "failures", s.failures(),
                s.findings().size());
        out.println();
        boolean bugs = !scope.bugs().isEmpty();
        out.printf(Locale.ROOT, "  %-12s %10s %9s %6s%s%n", "family", "tries", "failures", "paths",
                bugs ? "  baseline (fail without the seeded bugs too; not counted)" : "");
        for (Map.Entry<String, Fuzzer.FamilyCounts> e : s.byFamily().entrySet()) {
            out.printf(Locale.ROOT, "  %-12s %,10d %,9d %6d%s%n", e.getKey(), e.getValue().tries,
                    e.getValue().failures, e.getValue().paths.size(), bugs ? "  " + e.getValue().baseline : "");
        }
        List<String> missed = new ArrayList<>();
        for (String p : s.cataloguePaths()) {
            if (!s.pathsReached().contains(p)) {
                missed.add(p);
            }
        }
        if (!missed.isEmpty()) {
            out.println("  paths not reached: " + String.join(", ", missed));
        }
        if (s.findings().isEmpty()) {
            out.println();
            out.println("no failures");
            return;
        }
        out.println();
        out.println("unique failures (first try; tries and wall time to first detection; later duplicates):");
        int i = 0;
        for (Finding f : s.findings()) {
            i++;
            out.printf(Locale.ROOT, "  %d. %s  [%s]%n", i, f.key(), f.family());
            out.printf(Locale.ROOT, "     first: try %d, after %,d tries / %.2f s; %d duplicate(s); shrunk to %d step(s)"
                    + " in %d shrink steps%n", f.tryIndex(), f.triesBefore(), f.seconds(), f.duplicates(), f.steps(),
                    f.shrinkSteps());
            out.println("     " + clip(CrashFiles.firstLine(f.message()), 220));
            if (f.file() != null) {
                out.println("     replay: ./xpf replay " + CrashFiles.shown(f.file()));
            }
            if (f.tryIndex() >= 0) {
                out.println("     repeat: ./xpf fuzz --seed " + seed + " --try " + f.tryIndex()
                        + FuzzCommand.scopeFlags(scope));
            }
        }
    }

    static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
