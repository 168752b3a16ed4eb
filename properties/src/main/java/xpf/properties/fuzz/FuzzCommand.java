package xpf.properties.fuzz;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import xpf.properties.check.Oracles;
import xpf.prop.choice.Seeds;
import xpf.sim.cli.CommandProvider;
import xpf.sim.cli.ExitCodes;
import xpf.sim.cli.Progress;
import xpf.sim.cli.Shard;
import xpf.sim.cli.UserError;

/**
 * {@code xpf fuzz}: generates fault scenarios with the property suite's generators and checks every step with its
 * invariants and reference models, either at random from a seed (deterministic: same seed, same tries, same
 * findings) or coverage-guided by Jazzer in a child JVM. Failures are shrunk, de-duplicated by (failing check, path)
 * and saved as scenario files that {@code ./xpf replay} runs. See docs/fuzzing.md.
 */
@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = {"Fuzz fault scenarios: the property suite's generators, its invariants and reference models as "
                + "the oracle. Random mode (default) is deterministic for a seed; --coverage-guided runs Jazzer.",
            "Every failure is shrunk, de-duplicated by (failing check, path) and saved as a scenario file with its "
                + "replay command. Ctrl-C stops cleanly and keeps the corpus and the crashes."},
        footer = {"", "Exit code: 0 no failure, 1 failures found (including known ones), 2 bad input.",
            "Examples:", "  ./xpf fuzz --tries 2000 --seed 1", "  ./xpf fuzz --time 10m --only svm --corpus fuzz-corpus",
            "  ./xpf fuzz --time 60s --bug no-df-combine        # a seeded bug: time to first detection",
            "  ./xpf fuzz --tries 100000 --seed 7 --shard 0/4    # one of four CI jobs",
            "  ./xpf fuzz --coverage-guided --time 5m --corpus fuzz-corpus"})
public final class FuzzCommand implements Callable<Integer> {

    @Option(names = "--time", paramLabel = "DURATION", description = "run this long (e.g. 60s, 10m, 1h)")
    String time;

    @Option(names = "--tries", paramLabel = "N", description = "run tries 0..N-1 (this shard's share of them); "
            + "default 10000 unless --time is given")
    Long tries;

    @Option(names = "--seed", paramLabel = "S", description = "master seed (default: a fresh one, printed)")
    String seed;

    @Option(names = "--try", paramLabel = "N", description = "run try N of the seed alone (repeats a finding)")
    Long onlyTry;

    @Option(names = "--only", paramLabel = "pv|svm|vmx|hap|x86", description = "one area (default: every family the "
            + "suite generates)")
    String only;

    @Option(names = "--profile", paramLabel = "xen-3.1|xen-4.22", description = "only scenarios of this Xen profile")
    String profile;

    @Option(names = "--bug", paramLabel = "ID", description = "turn a seeded bug switch on in every scenario "
            + "(repeatable; see docs/bug-switches.md)")
    List<String> bugs = new ArrayList<>();

    @Option(names = "--corpus", paramLabel = "DIR", description = "corpus kept between runs (random mode: "
            + "DIR/choices, replayed first; coverage-guided: DIR/libfuzzer)")
    Path corpus;

    @Option(names = "--crashes", paramLabel = "DIR", description = "where shrunk failures are saved "
            + "(default: target/fuzz-crashes)")
    Path crashes;

    @Option(names = "--coverage-guided", description = "fuzz with Jazzer (libFuzzer) in a child JVM instead of at "
            + "random")
    boolean coverageGuided;

    @Option(names = "--shard", paramLabel = "i/n", description = "run shard i of n: the tries t with t mod n = i "
            + "(coverage-guided: libFuzzer seed offset i)")
    String shard;

    @Option(names = "--libfuzzer-arg", paramLabel = "ARG", description = "extra libFuzzer/Jazzer argument for "
            + "--coverage-guided (repeatable, e.g. --libfuzzer-arg=-jobs=2)")
    List<String> libFuzzerArgs = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (time != null && tries != null) {
            throw new UserError("fuzz: give --time or --tries, not both");
        }
        Duration budget = time == null ? null : parseDuration(time);
        if (tries != null && tries < 1) {
            throw new UserError("fuzz: --tries must be >= 1, got " + tries);
        }
        if (onlyTry != null && (onlyTry < 0 || time != null || tries != null || coverageGuided)) {
            throw new UserError("fuzz: --try N (N >= 0) runs one try of the seed: it takes no --time, --tries or "
                    + "--coverage-guided");
        }
        if (onlyTry != null && seed == null) {
            throw new UserError("fuzz: --try needs the --seed of the run it comes from");
        }
        long s = seed == null ? Seeds.fresh() : Seeds.parse(seed, "--seed");
        Shard sh = shard == null ? Shard.ALL : Shard.parse(shard);
        FuzzScope scope = FuzzScope.parse(only, profile, bugs);
        Path crashDir = crashes != null ? crashes : Path.of("target", "fuzz-crashes");
        checkDir(crashDir, "--crashes");
        if (corpus != null) {
            checkDir(corpus, "--corpus");
        }
        if (!scope.skipped().isEmpty()) {
            err.println("xpf fuzz: the property suite has no generator yet for: "
                    + String.join(", ", scope.skipped().stream().map(f -> f.id()).toList()) + " (skipped)");
        }
        if (coverageGuided) {
            return new CoverageGuided(scope, s, budget, tries, sh, corpus == null ? null : new Corpus(corpus),
                    crashDir, libFuzzerArgs).run(out, err);
        }
        long n = tries != null ? tries : budget != null ? 0 : 10_000;
        Fuzzer.Config cfg = new Fuzzer.Config(s, n, budget, onlyTry == null ? -1 : onlyTry, sh, scope,
                corpus == null ? null : new Corpus(corpus), new CrashFiles(crashDir), Oracles.available());
        err.println("xpf fuzz: random mode, seed " + s + ", " + (onlyTry != null ? "try " + onlyTry
                : budget != null ? "for " + time : n + " tries") + ", shard " + sh + ", scope " + scope.describe()
                + ", crashes in " + crashDir + (corpus == null ? "" : ", corpus " + corpus));
        err.flush();
        Fuzzer fuzzer = new Fuzzer(cfg);
        long expected = onlyTry != null ? 1 : n == 0 ? 0 : sh.to(n) - sh.from(n);
        int catalogue = scope.cataloguePaths().size();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            fuzzer.requestStop();
            try {
                finished.await(90, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "fuzz-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
        Fuzzer.Summary sum;
        try {
            long start = System.nanoTime();
            try (Progress p = new Progress("xpf fuzz", expected, fuzzer.done(), err,
                    expected > 0 ? Progress.twentieth(expected) : 5_000)) {
                Thread extra = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        double el = (System.nanoTime() - start) / 1e9;
                        String rem = budget != null ? ", remaining " + fmt(Math.max(0, budget.toSeconds() - el)) : "";
                        p.setExtra("paths " + fuzzer.pathsReached() + "/" + catalogue + ", failures "
                                + fuzzer.failures() + " (" + fuzzer.unique() + " unique)" + rem);
                        try {
                            Thread.sleep(200);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "fuzz-progress");
                extra.setDaemon(true);
                extra.start();
                try {
                    sum = fuzzer.run();
                } finally {
                    extra.interrupt();
                }
            }
            new FuzzTable(s, sh, scope).print(sum, out);
            out.flush();
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and waits for the table printed above
            }
        }
        return sum.failures() > 0 ? ExitCodes.FAILED : ExitCodes.OK;
    }

    static String fmt(double secs) {
        long t = Math.round(secs);
        return String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60);
    }

    private static void checkDir(Path dir, String option) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserError("fuzz: " + option + " " + dir + " is a file, not a folder");
        }
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");

    /** {@code 500ms}, {@code 60s}, {@code 10m}, {@code 1h}; a bare number is seconds. */
    static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new UserError("fuzz: --time: expected a duration like 60s, 10m or 1h, got '" + text + "'");
        }
        long v;
        try {
            v = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new UserError("fuzz: --time: '" + text + "' is too large");
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration d = switch (unit) {
            case "ms" -> Duration.ofMillis(v);
            case "m" -> Duration.ofMinutes(v);
            case "h" -> Duration.ofHours(v);
            default -> Duration.ofSeconds(v);
        };
        if (d.isZero() || d.compareTo(Duration.ofDays(30)) > 0) {
            throw new UserError("fuzz: --time must be between 1ms and 30 days, got '" + text + "'");
        }
        return d;
    }

    /** The {@code --only} name that rebuilds {@code scope}'s families, or null for the default scope. */
    static String onlyName(FuzzScope scope) {
        if (scope.kind() != null) {
            return scope.kind() == xpf.model.scenario.DomainKind.HVM_SVM ? "svm" : "vmx";
        }
        if (scope.families().size() == 1 && scope.skipped().isEmpty()) {
            return switch (scope.families().get(0)) {
                case BARE -> "x86";
                case PV -> "pv";
                case HVM_HAP -> "hap";
                case HVM_SHADOW -> null;
            };
        }
        return null;
    }

    /** The flags that rebuild {@code scope} on the command line ({@code " --only svm --bug x"}). */
    static String scopeFlags(FuzzScope scope) {
        StringBuilder b = new StringBuilder();
        String o = onlyName(scope);
        if (o != null) {
            b.append(" --only ").append(o);
        }
        if (scope.profile() != null) {
            b.append(" --profile ").append(scope.profile().wireName());
        }
        for (String bug : scope.bugs()) {
            b.append(" --bug ").append(bug);
        }
        return b.toString();
    }

    /** Registers {@code fuzz} with the CLI. */
    public static final class Provider extends CommandProvider {
        public Provider() {
            super(FuzzCommand::new, 45);
        }
    }
}
