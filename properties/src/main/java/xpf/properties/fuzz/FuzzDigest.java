package xpf.properties.fuzz;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import xpf.properties.SuiteRun;
import xpf.properties.check.Oracles;
import xpf.properties.check.Violation;
import xpf.properties.gen.Generated;
import xpf.prop.Choices;
import xpf.prop.Gen;
import xpf.prop.choice.RandomSource;
import xpf.prop.choice.Seeds;

/**
 * The semantic fingerprint of the fuzz loop that {@link FuzzBenchmark} times: for tries {@code 0..n-1} of a seed over
 * the fuzzer's default scope, one line per try with the generated scenario's digest, the run's trace hash, catalogue
 * paths, labels, step and modelled counts, or the violation it ended with. A performance change must leave every line
 * the same (docs/performance.md "Checking that a speed-up changed nothing"):
 *
 * <pre>java -cp reports/target/xpf.jar xpf.properties.fuzz.FuzzDigest 1 3000 [lines.txt]</pre>
 *
 * prints the SHA-256 of all lines (and writes the lines to the file when one is named, for a diff);
 * {@code FuzzDigest --cost 1 1000} prints what those tries cost ({@link #cost}).
 */
public final class FuzzDigest {

    private FuzzDigest() {
    }

    /** The per-try lines for tries {@code 0..n-1} of {@code seed}. */
    public static List<String> lines(long seed, int n) {
        Gen<Generated> gen = FuzzScope.parse(null, null, List.of()).gen();
        Oracles oracles = Oracles.available();
        Choices choices = new Choices(null);
        RandomSource random = new RandomSource();
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            choices.reset(random.reseed(Seeds.forTry(seed, i)));
            StringBuilder line = new StringBuilder().append(i).append(' ');
            try {
                Generated g = gen.generate(choices);
                line.append(sha(g.scenario().toString()), 0, 16).append(' ');
                // Every try renders and hashes its trace here, so that a change in any traced value shows.
                SuiteRun.Report r = SuiteRun.run(g.scenario(), oracles, true);
                line.append("trace=").append(r.traceHash().isEmpty() ? "-" : r.traceHash().substring(0, 16))
                        .append(" steps=").append(r.steps()).append(" modelled=").append(r.modelled())
                        .append(" notModelled=").append(r.notModelled()).append(' ').append(r.notModelledReasons())
                        .append(" paths=").append(r.paths()).append(" labels=").append(r.labels());
            } catch (Violation v) {
                line.append("violation ").append(v.getClass().getSimpleName()).append(' ').append(v.check())
                        .append(" step=").append(v.step()).append(' ').append(v.getMessage());
            } catch (RuntimeException e) {
                line.append("threw ").append(e);
            }
            out.add(line.toString());
        }
        return out;
    }

    /**
     * The cost of tries {@code 0..n-1} of {@code seed} as {@link FuzzBenchmark} runs them (no determinism re-run
     * unless drawn), after {@code warm} unmeasured passes: median over {@code reps} passes of the bytes allocated per
     * try (load-independent, so a useful figure on a shared machine) and of the thread CPU time per try.
     */
    public static String cost(long seed, int n, int warm, int reps) {
        Gen<Generated> gen = FuzzScope.parse(null, null, List.of()).gen();
        Oracles oracles = Oracles.available();
        Choices choices = new Choices(null);
        RandomSource random = new RandomSource();
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)
                java.lang.management.ManagementFactory.getThreadMXBean();
        long[] bytes = new long[reps];
        long[] nanos = new long[reps];
        for (int r = -warm; r < reps; r++) {
            long b0 = mx.getCurrentThreadAllocatedBytes();
            long t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                choices.reset(random.reseed(Seeds.forTry(seed, i)));
                try {
                    Generated g = gen.generate(choices);
                    SuiteRun.run(g.scenario(), oracles, g.recheck());
                } catch (RuntimeException | Violation e) {
                    // counted like a passing try, as in FuzzBenchmark
                }
            }
            if (r >= 0) {
                bytes[r] = mx.getCurrentThreadAllocatedBytes() - b0;
                nanos[r] = mx.getCurrentThreadCpuTime() - t0;
            }
        }
        java.util.Arrays.sort(bytes);
        java.util.Arrays.sort(nanos);
        return String.format(java.util.Locale.ROOT, "%d bytes/try, %.1f us CPU/try (%.0f tries/s one thread); "
                + "medians of %d passes over tries 0..%d of seed %d", bytes[reps / 2] / n, nanos[reps / 2] / 1e3 / n,
                n * 1e9 / nanos[reps / 2], reps, n - 1, seed);
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        if (args.length == 3 && args[0].equals("--cost")) {
            out.println(cost(Long.parseLong(args[1]), Integer.parseInt(args[2]), 3, 5));
            return;
        }
        if (args.length < 2) {
            System.err.println("usage: FuzzDigest SEED TRIES [LINES-FILE]  |  FuzzDigest --cost SEED TRIES");
            System.exit(2);
        }
        List<String> lines = lines(Long.parseLong(args[0]), Integer.parseInt(args[1]));
        if (args.length > 2) {
            Files.write(Path.of(args[2]), lines, StandardCharsets.UTF_8);
        }
        out.println(sha(String.join("\n", lines)) + "  seed " + args[0] + ", tries 0.." + (lines.size() - 1));
    }

    private static String sha(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
