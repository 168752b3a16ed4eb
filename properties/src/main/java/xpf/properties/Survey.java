package xpf.properties;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import xpf.properties.check.Oracles;
import xpf.properties.check.Violation;
import xpf.properties.gen.Family;
import xpf.properties.gen.Generated;
import xpf.properties.gen.ScenarioGens;
import xpf.prop.Property;
import xpf.prop.PropertyResult;
import xpf.prop.PropertyRunner;
import xpf.prop.Settings;

/**
 * A development tool: runs many tries of a family without stopping at the first failure and groups the failures by
 * check and reference rule, with one unshrunk example scenario per group (under {@code target/survey/}). Used to
 * triage what a change of the generators or of the simulator brings up before the properties are run for real.
 *
 * <pre>java -cp ... xpf.properties.Survey pv 20000 [seed]</pre>
 */
public final class Survey {

    private Survey() {
    }

    /**
     * {@code hunt <family> <tries> <seed> <label text> <finding file>}: runs the family's property with the known
     * issue whose label contains the text not accepted ({@code xpf.hunt}), shrinks the first failure and writes the
     * shrunk scenario with the failure as its header comment.
     */
    static void hunt(String[] args) throws Exception {
        Family family = Family.valueOf(args[1].toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        System.setProperty("xpf.hunt", args[4]);
        PropertyResult<Generated> r = PropertyRunner.run("hunt/" + family.id(), SuiteProperties.property(family,
                SuiteProperties.Options.defaults().withCoverage(false)), Settings.withSeed(Long.decode(args[3]))
                .tries(Integer.parseInt(args[2])));
        if (!r.failed() || r.counterexample() == null) {
            System.out.println("not found in " + r.triesRun() + " tries");
            return;
        }
        String msg = String.valueOf(r.counterexample().failure().getMessage());
        String yaml = r.counterexample().shrunk() instanceof Generated g ? g.toString() : "";
        Path out = Path.of(args[5]);
        Files.writeString(out, "# Found by the property suite (" + family.id() + ", seed " + args[3] + ", try "
                + r.counterexample().tryIndex() + "), shrunk; accepted in KnownIssues as \"" + args[4] + "\".\n# "
                + msg.replace("\n", "\n# ") + "\n# replay: ./xpf replay " + out + "\n" + yaml);
        System.out.println("wrote " + out + "\n" + msg);
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("hunt")) {
            hunt(args);
            return;
        }
        Family family = Family.valueOf(args[0].toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        int tries = Integer.parseInt(args[1]);
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
        Map<String, Integer> groups = new ConcurrentHashMap<>();
        Map<String, Integer> notModelled = new TreeMap<>();
        Map<String, Integer> labels = new TreeMap<>();
        long[] steps = new long[3];
        Path out = Path.of("target", "survey", family.id());
        Files.createDirectories(out);
        Property<Generated> p = Property.forAll(ScenarioGens.scenarios(family)).check((g, ctx) -> {
            try {
                SuiteRun.Report r = SuiteRun.run(g.scenario(), Oracles.available(), false);
                steps[0] += r.steps();
                steps[1] += r.modelled();
                steps[2] += r.notModelled();
                r.notModelledReasons().forEach((k, v) -> notModelled.merge(k, v, Integer::sum));
                r.paths().forEach(x -> labels.merge("path " + x, 1, Integer::sum));
                r.labels().forEach(x -> labels.merge(x, 1, Integer::sum));
            } catch (Violation v) {
                String msg = v.getMessage();
                String rule = msg.contains("rule ") ? msg.substring(msg.indexOf("rule ")).split("\\s")[1] : "";
                String key = v.check() + " " + rule;
                if (groups.merge(key, 1, Integer::sum) == 1) {
                    Files.writeString(out.resolve(key.replaceAll("[^A-Za-z0-9.-]+", "_") + ".yaml"), "# " + msg
                            .replace("\n", "\n# ") + "\n" + g);
                }
            }
        });
        long t0 = System.nanoTime();
        PropertyResult<Generated> r = PropertyRunner.run("survey", p, Settings.withSeed(seed).tries(tries));
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s: %d tries in %.1f s (%.0f/s), %d steps, %d modelled, %d not modelled, passed=%s%n",
                family.id(), r.triesRun(), s, r.triesRun() / s, steps[0], steps[1], steps[2], !r.failed());
        new TreeMap<>(groups).forEach((k, v) -> System.out.printf("  FAIL %6d  %s%n", v, k));
        notModelled.forEach((k, v) -> System.out.printf("  not modelled %6d  %s%n", v, k));
        labels.forEach((k, v) -> System.out.printf("  label %6d  %s%n", v, k));
    }
}
