package xpf.reports;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import xpf.conformance.allure.Environment;
import xpf.conformance.allure.RunFacts;
import xpf.conformance.conform.ConformContext;
import xpf.conformance.conform.ConformPart;
import xpf.conformance.conform.PartResult;
import xpf.model.scenario.XenProfile;
import xpf.sim.cli.ExitCodes;
import xpf.sim.cli.Shard;
import xpf.sim.cli.UserError;
import xpf.sim.cli.CommandProvider;

/**
 * {@code xpf conform}: the conformance run. It runs every part (the rule-tagged corpus, the x86 matrix subset, the
 * property suites) into one fresh Allure results folder, builds the report (also after failures), and ends with
 * {@code N passed, N failed}.
 */
@Command(name = "conform", mixinStandardHelpOptions = true,
        description = {"Run the conformance suite and build the Allure report.",
            "Parts: the scenario corpus, the x86 matrix subset and the property suites, recorded as Allure results."},
        footer = {"", "Output: target/allure-results (results), target/allure-report (report; serve the folder or open",
            "target/allure-report-single/index.html). Exit code: 0 all passed, 1 a check failed or broke, 2 bad input.",
            "Examples:", "  ./xpf conform", "  ./xpf conform --only pv,xsa --profile xen-4.22",
            "  ./xpf conform --deep --shard 0/4 --no-report"})
public final class ConformCommand implements Callable<Integer> {

    @Option(names = "--only", paramLabel = "AREA[,AREA...]", split = ",",
            description = "areas to run: pv, svm, vmx, hap, x86, xsa (default: all)")
    List<String> only = new ArrayList<>();

    @Option(names = "--profile", paramLabel = "xen-3.1|xen-4.22", description = "only scenarios of this Xen profile")
    String profile;

    @Option(names = "--deep", description = "the deep run: many more property tries and the full access.c matrix")
    boolean deep;

    @Option(names = "--shard", paramLabel = "i/n", description = "run shard i of n of every part (merge the results "
            + "folders of all shards into one report with ./xpf report --results)")
    String shard;

    @Option(names = "--results", paramLabel = "DIR", description = "Allure results (default: target/allure-results; "
            + "emptied first)")
    Path results;

    @Option(names = "--report", paramLabel = "DIR", description = "report folder (default: target/allure-report)")
    Path report;

    @Option(names = "--no-report", description = "write the results only")
    boolean noReport;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path root = ReportCommand.root();
        Set<String> areas = new LinkedHashSet<>();
        for (String a : only) {
            String t = a.trim().toLowerCase(Locale.ROOT);
            if (!ConformContext.AREAS.contains(t)) {
                throw new UserError("conform: --only: unknown area '" + a + "' (expected pv, svm, vmx, hap, x86, xsa)");
            }
            areas.add(t);
        }
        XenProfile p;
        try {
            p = profile == null ? null : XenProfile.fromWire(profile);
        } catch (IllegalArgumentException e) {
            throw new UserError("conform: --profile: " + e.getMessage());
        }
        Shard sh = shard == null ? Shard.ALL : Shard.parse(shard);
        Path res = results != null ? results : root.resolve("target").resolve("allure-results");
        Path rep = report != null ? report : root.resolve("target").resolve("allure-report");
        if (!Files.isDirectory(root.resolve("conformance").resolve("scenarios"))) {
            throw new UserError("conform: no corpus at " + root.resolve("conformance/scenarios")
                    + " (run from the repository root, or set -Dxpf.root)");
        }
        emptyResults(res);
        List<ConformPart> parts = new ArrayList<>();
        ServiceLoader.load(ConformPart.class).forEach(parts::add);
        parts.sort(Comparator.comparingInt(ConformPart::order).thenComparing(ConformPart::name));
        ConformContext ctx = new ConformContext(root, res, Set.copyOf(areas), p, deep, sh, err);
        RunFacts.clear();
        int passed = 0;
        int failed = 0;
        int broken = 0;
        int skipped = 0;
        List<String> problems = new ArrayList<>();
        for (ConformPart part : parts) {
            err.println("xpf conform: " + part.name() + " ...");
            err.flush();
            PartResult r = part.run(ctx);
            passed += r.passed();
            failed += r.failed();
            broken += r.broken();
            skipped += r.skipped();
            problems.addAll(r.problems());
            out.printf(Locale.ROOT, "%-11s %d passed, %d failed, %d broken, %d skipped%n", r.part() + ":", r.passed(),
                    r.failed(), r.broken(), r.skipped());
            out.flush();
        }
        java.util.Map<String, String> facts = new java.util.LinkedHashMap<>(RunFacts.entries());
        facts.put("Conform", (areas.isEmpty() ? "all areas" : String.join(",", areas))
                + (p == null ? "" : ", " + p.wireName()) + (deep ? ", deep" : "") + ", shard " + sh);
        Environment.writeRunRecord(res, "cli-conform", root, facts);
        for (String pr : problems.subList(0, Math.min(problems.size(), 50))) {
            out.println("  " + pr);
        }
        if (problems.size() > 50) {
            out.println("  ... and " + (problems.size() - 50) + " more (see the report)");
        }
        if (!noReport) {
            System.setProperty("slf4j.internal.verbosity", System.getProperty("slf4j.internal.verbosity", "ERROR"));
            err.println("xpf conform: building the report ...");
            err.flush();
            Path single = rep.resolveSibling(rep.getFileName() + "-single");
            AllureReport.Result r = AllureReport.generate(new AllureReport.Options(res, rep, single, null,
                    "xpf conformance", root));
            out.println("report: " + r.report().resolve("index.html").normalize() + " (single file: "
                    + r.singleFile().normalize() + ")");
        }
        out.println((passed) + " passed, " + (failed + broken) + " failed");
        out.flush();
        return failed + broken == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** A fresh results folder: this run's report must show this run only (history comes from the last report). */
    static void emptyResults(Path res) {
        try {
            if (Files.isDirectory(res)) {
                try (Stream<Path> s = Files.walk(res)) {
                    for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                        if (!f.equals(res)) {
                            Files.delete(f);
                        }
                    }
                }
            }
            Files.createDirectories(res);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + res, e);
        }
    }

    /** Registers {@code conform} with the CLI. */
    public static final class Provider extends CommandProvider {
        public Provider() {
            super(ConformCommand::new, 10);
        }
    }
}
