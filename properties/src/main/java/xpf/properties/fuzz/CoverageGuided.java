package xpf.properties.fuzz;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import xpf.sim.cli.ExitCodes;
import xpf.sim.cli.Shard;
import xpf.sim.cli.UserError;

/**
 * {@code xpf fuzz --coverage-guided}: runs Jazzer (libFuzzer) on {@link ScenarioFuzzTarget} in a child JVM, with the
 * corpus in {@code DIR/libfuzzer} (kept between runs; libFuzzer loads it first and adds inputs that reach new
 * coverage) and the crashes folder shared with the random mode. The child's status lines pass through to stderr; its
 * finding lines feed the final table. A child JVM because libFuzzer owns its process (signals, exit on a crash) and
 * Jazzer's agent instruments classes as they load.
 */
final class CoverageGuided {

    private final FuzzScope scope;
    private final long seed;
    private final Duration time;
    private final Long tries;
    private final Shard shard;
    private final Corpus corpus;
    private final Path crashes;
    private final List<String> extra;

    CoverageGuided(FuzzScope scope, long seed, Duration time, Long tries, Shard shard, Corpus corpus, Path crashes,
            List<String> extra) {
        this.scope = scope;
        this.seed = seed;
        this.time = time;
        this.tries = tries;
        this.shard = shard;
        this.corpus = corpus;
        this.crashes = crashes;
        this.extra = extra;
    }

    /** The Jazzer standalone jar: -Dxpf.jazzer.jar, $XPF_JAZZER_JAR, beside xpf.jar, or the Maven cache. */
    static Path jazzerJar() {
        List<Path> candidates = new ArrayList<>();
        String p = System.getProperty("xpf.jazzer.jar");
        if (p != null && !p.isBlank()) {
            candidates.add(Path.of(p));
        }
        String e = System.getenv("XPF_JAZZER_JAR");
        if (e != null && !e.isBlank()) {
            candidates.add(Path.of(e));
        }
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                candidates.add(Path.of(entry).toAbsolutePath().resolveSibling("jazzer").resolve("jazzer.jar"));
            }
        }
        Path m2 = Path.of(System.getProperty("user.home"), ".m2", "repository", "com", "code-intelligence", "jazzer");
        if (Files.isDirectory(m2)) {
            try (Stream<Path> versions = Files.list(m2)) {
                versions.sorted(Comparator.reverseOrder()).forEach(v -> candidates.add(
                        v.resolve("jazzer-" + v.getFileName() + ".jar")));
            } catch (IOException ignored) {
                // no cache
            }
        }
        for (Path c : candidates) {
            if (Files.isRegularFile(c)) {
                return c;
            }
        }
        throw new UserError("fuzz: --coverage-guided needs the Jazzer jar (com.code-intelligence:jazzer); none found "
                + "beside xpf.jar (reports/target/jazzer/jazzer.jar, built by ./mvnw -pl reports -am package) or in "
                + "~/.m2; set XPF_JAZZER_JAR=/path/to/jazzer.jar");
    }

    /** The child's command line. */
    List<String> command(Path jazzer, Path libFuzzerDir) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add("-Xss8m");
        // a bounded heap: libFuzzer's RSS limit (2 GB by default, raised below) counts the whole JVM
        cmd.add("-Xmx1024m");
        cmd.add("-XX:+UseParallelGC");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path") + File.pathSeparator + jazzer);
        String only = FuzzCommand.onlyName(scope);
        if (only != null) {
            cmd.add("-Dxpf.fuzz.only=" + only);
        }
        if (scope.profile() != null) {
            cmd.add("-Dxpf.fuzz.profile=" + scope.profile().wireName());
        }
        if (!scope.bugs().isEmpty()) {
            cmd.add("-Dxpf.fuzz.bugs=" + String.join(",", scope.bugs()));
        }
        cmd.add("-Dxpf.fuzz.crashes=" + crashes.toAbsolutePath());
        cmd.add("com.code_intelligence.jazzer.Jazzer");
        cmd.add("--target_class=" + ScenarioFuzzTarget.class.getName());
        // coverage of the simulator, the suite and the reference models; not of libraries
        cmd.add("--instrumentation_includes=xpf.**");
        cmd.add("--reproducer_path=" + crashes.toAbsolutePath());
        // libFuzzer's own crash files (a harness exception; violations are collected, not thrown) go with ours
        cmd.add("-artifact_prefix=" + crashes.toAbsolutePath() + File.separator);
        cmd.add("-seed=" + (1 + Math.floorMod(seed + shard.index(), Integer.MAX_VALUE - 1)));
        if (time != null) {
            cmd.add("-max_total_time=" + Math.max(1, time.toSeconds()));
        }
        if (tries != null) {
            cmd.add("-runs=" + tries);
        } else if (time == null) {
            cmd.add("-runs=10000");
        }
        cmd.add("-print_final_stats=1");
        // a scenario needs a few hundred choices (bytes); libFuzzer's default starts inputs at a few bytes and grows
        // them slowly, which leaves the choices mostly zeros (the simplest scenario) for the first minutes
        if (extra.stream().noneMatch(a -> a.startsWith("-max_len="))) {
            cmd.add("-max_len=4096");
        }
        if (extra.stream().noneMatch(a -> a.startsWith("-len_control="))) {
            cmd.add("-len_control=0");
        }
        cmd.add("-rss_limit_mb=3072");
        cmd.addAll(extra);
        cmd.add(libFuzzerDir.toAbsolutePath().toString());
        return cmd;
    }

    /**
     * Seeds an empty libFuzzer corpus with a few 1 KiB inputs of seeded random bytes. libFuzzer grows new inputs from
     * a few bytes, and a scenario drawn from a few bytes is the simplest one (an exhausted input yields zeros); longer
     * starting inputs give full scenarios from the first execution, and mutations keep their length.
     */
    void seed(Path lf) throws IOException {
        try (Stream<Path> s = Files.list(lf)) {
            if (s.findAny().isPresent()) {
                return;
            }
        }
        xpf.prop.choice.SplitMix64 rng = new xpf.prop.choice.SplitMix64(seed + shard.index());
        for (int i = 0; i < 16; i++) {
            byte[] b = new byte[1024];
            for (int k = 0; k < b.length; k += 8) {
                long v = rng.nextLong();
                for (int j = 0; j < 8; j++) {
                    b[k + j] = (byte) (v >>> (8 * j));
                }
            }
            Files.write(lf.resolve("xpf-seed-" + i), b);
        }
    }

    private static final Pattern STATUS = Pattern.compile("^#(\\d+)\\s+\\S+.*?exec/s: (\\d+)");

    int run(PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
        Path jazzer = jazzerJar();
        Path lf = corpus != null ? corpus.libFuzzerDir() : Path.of("target", "fuzz-corpus", "libfuzzer");
        Files.createDirectories(lf);
        Files.createDirectories(crashes);
        seed(lf);
        List<String> cmd = command(jazzer, lf);
        err.println("xpf fuzz: coverage-guided (Jazzer " + jazzer.getFileName() + "), scope " + scope.describe()
                + ", corpus " + lf + ", crashes in " + crashes);
        err.flush();
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectInput(ProcessBuilder.Redirect.INHERIT);
        long start = System.nanoTime();
        Process child = pb.start();
        Thread hook = new Thread(() -> {
            // Ctrl-C reaches the child too (same process group); give libFuzzer time to write its final stats
            try {
                if (!child.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    child.destroy();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "fuzz-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
        List<String[]> findings = new ArrayList<>();
        String[] summary = null;
        long lastExecs = 0;
        long lastRate = 0;
        List<String> tail = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getErrorStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith(ScenarioFuzzTarget.FINDING + "\t")) {
                    String[] f = line.split("\t", -1);
                    findings.add(f);
                    err.println("xpf fuzz: NEW FAILURE " + f[1] + " @ " + f[2] + " after " + f[3] + " inputs ("
                            + f[4] + " s): " + f[6]);
                } else if (line.startsWith(ScenarioFuzzTarget.SUMMARY + "\t")) {
                    summary = line.split("\t", -1);
                } else {
                    err.println(line);
                    Matcher m = STATUS.matcher(line);
                    if (m.find()) {
                        lastExecs = Long.parseLong(m.group(1));
                        lastRate = Long.parseLong(m.group(2));
                    }
                    tail.add(line);
                    if (tail.size() > 40) {
                        tail.remove(0);
                    }
                }
                err.flush();
            }
        }
        int rc = child.waitFor();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C
        }
        double secs = (System.nanoTime() - start) / 1e9;
        out.println();
        out.printf(Locale.ROOT, "xpf fuzz: coverage-guided, libFuzzer seed offset %s, scope %s%n", shard,
                scope.describe());
        if (summary != null) {
            out.printf(Locale.ROOT, "  %-18s %,d inputs (%s)%n", "inputs", Long.parseLong(summary[1]),
                    lastRate > 0 ? "last libFuzzer rate " + lastRate + " exec/s" : "no rate reported");
            out.printf(Locale.ROOT, "  %-18s %s of %s catalogue paths reached%n", "paths", summary[4], summary[5]);
            out.printf(Locale.ROOT, "  %-18s %s failing inputs, %s unique (check, path)%n", "failures", summary[2],
                    summary[3]);
        } else {
            out.printf(Locale.ROOT, "  %-18s %,d (last libFuzzer status line)%n", "inputs", lastExecs);
        }
        out.printf(Locale.ROOT, "  %-18s %.1f s wall (JVM start and instrumentation included)%n", "time", secs);
        for (String[] f : findings) {
            out.printf(Locale.ROOT, "  NEW %s @ %s after %s inputs / %s s%n", f[1], f[2], f[3], f[4]);
            if (!f[5].isEmpty()) {
                out.println("      replay: ./xpf replay " + CrashFiles.shown(Path.of(f[5])));
            }
        }
        out.flush();
        boolean failed = !findings.isEmpty() || summary != null && !summary[2].equals("0");
        if (rc != 0 && summary == null) {
            // libFuzzer found a harness crash (not a violation) or Jazzer could not start: say so, with its output
            err.println("xpf fuzz: Jazzer exited with status " + rc + " (see its output above; a crash input is "
                    + "kept in " + crashes + ")");
            return rc == 130 || rc == 143 ? ExitCodes.OK : ExitCodes.FAILED;
        }
        return failed ? ExitCodes.FAILED : ExitCodes.OK;
    }
}
