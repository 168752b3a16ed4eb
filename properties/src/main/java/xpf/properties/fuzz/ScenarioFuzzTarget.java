package xpf.properties.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import xpf.properties.SuiteRun;
import xpf.properties.check.Oracles;
import xpf.properties.check.Violation;
import xpf.properties.gen.Generated;
import xpf.prop.Choices;
import xpf.prop.Discard;
import xpf.prop.Gen;
import xpf.prop.TooManyRejections;
import xpf.prop.choice.Overrun;
import xpf.prop.jazzer.FuzzSource;

/**
 * The Jazzer / libFuzzer fuzz target over the property suite: the fuzzer's bytes are the choices
 * ({@link FuzzSource}), so coverage guidance mutates the very decisions the suite's generators make; the suite's
 * checker is the oracle. Used by {@code xpf fuzz --coverage-guided} (a child JVM), by OSS-Fuzz / ClusterFuzzLite
 * (the {@code jazzer_driver} wrapper scripts of {@code .clusterfuzzlite/build.sh}) and by the regression-mode
 * {@code @FuzzTest} of the test sources.
 *
 * <p>Configured by system properties (libFuzzer owns the command line): {@code xpf.fuzz.only} (pv, svm, vmx, hap,
 * x86), {@code xpf.fuzz.profile}, {@code xpf.fuzz.bugs} (comma-separated switches), and {@code xpf.fuzz.crashes}: with
 * a crashes folder the target collects (a new failure is shrunk, saved there and reported on stderr, and fuzzing goes
 * on); without one (OSS-Fuzz) it throws the violation, which libFuzzer reports as a crash with its input.
 */
public final class ScenarioFuzzTarget {

    /** A line on stderr per new finding, read by {@code xpf fuzz --coverage-guided}: tab-separated fields. */
    public static final String FINDING = "xpf-fuzz-finding";
    /** The closing line on stderr: inputs, failures, unique, catalogue paths reached. */
    public static final String SUMMARY = "xpf-fuzz-summary";

    private static FuzzScope scope;
    private static Gen<Generated> gen;
    private static Oracles oracles;
    private static Triage triage;
    private static final Choices CHOICES = new Choices(null);
    private static final Set<String> REACHED = new LinkedHashSet<>();
    private static long inputs;
    private static long start;

    private ScenarioFuzzTarget() {
    }

    /** Called once by Jazzer before fuzzing. */
    public static void fuzzerInitialize() {
        String bugs = System.getProperty("xpf.fuzz.bugs", "");
        List<String> b = bugs.isBlank() ? List.of() : Arrays.stream(bugs.split(",")).map(String::trim).toList();
        scope = FuzzScope.parse(blankToNull(System.getProperty("xpf.fuzz.only")),
                blankToNull(System.getProperty("xpf.fuzz.profile")), b);
        gen = scope.gen();
        oracles = Oracles.available();
        String crashes = blankToNull(System.getProperty("xpf.fuzz.crashes"));
        triage = crashes == null ? null : new Triage(scope, oracles, new CrashFiles(Path.of(crashes)));
        start = System.nanoTime();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** One input. */
    public static void fuzzerTestOneInput(FuzzedDataProvider data) {
        if (gen == null) {
            fuzzerInitialize();
        }
        inputs++;
        CHOICES.reset(new FuzzSource(data));
        Generated g;
        try {
            g = gen.generate(CHOICES);
        } catch (Discard | TooManyRejections | Overrun e) {
            return;
        }
        try {
            SuiteRun.Report r = Triage.check(g, oracles, scope.bugs());
            REACHED.addAll(r.paths());
        } catch (Triage.BaselineFailure b) {
            return;
        } catch (Violation v) {
            if (triage == null) {
                throw v;
            }
            Finding f = triage.report(CHOICES.recorded(), v, g, -1, inputs, (System.nanoTime() - start) / 1e9,
                    "a coverage-guided run (Jazzer), scope " + scope.describe());
            if (f != null) {
                System.err.println(FINDING + "\t" + f.key().check() + "\t" + f.key().path() + "\t" + inputs + "\t"
                        + String.format(java.util.Locale.ROOT, "%.2f", f.seconds()) + "\t"
                        + (f.file() == null ? "" : f.file()) + "\t" + CrashFiles.firstLine(f.message()));
            }
        }
    }

    /** Called by Jazzer when fuzzing ends (time or run limit, Ctrl-C). */
    public static void fuzzerTearDown() {
        System.err.println(SUMMARY + "\t" + inputs + "\t" + (triage == null ? 0 : triage.failures()) + "\t"
                + (triage == null ? 0 : triage.unique()) + "\t" + REACHED.size() + "\t"
                + (scope == null ? 0 : scope.cataloguePaths().size()));
        System.err.flush();
    }
}
