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
 * prints the SHA-256 of all lines (and writes the lines to the file when one is named, for a diff).
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

    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        if (args.length < 2) {
            System.err.println("usage: FuzzDigest SEED TRIES [LINES-FILE]");
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
