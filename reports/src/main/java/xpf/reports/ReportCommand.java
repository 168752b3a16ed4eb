package xpf.reports;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import xpf.conformance.allure.ResultsFolder;
import xpf.sim.cli.ExitCodes;
import xpf.sim.cli.UserError;
import xpf.sim.cli.CommandProvider;

/**
 * {@code xpf report [--results DIR] [--report DIR] [--no-single-file] [--history DIR] [--bench FILE]}: builds the
 * Allure report (and its single-file variant) from the results of the last test or conformance run. Prints where the
 * report is and its totals; exits 0 whatever the verdicts were (the report is the point), 2 when there is nothing to
 * report or an input is wrong.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Build the Allure report from target/allure-results.",
            "Run it after ./mvnw -B verify or ./xpf conform. It writes target/allure-report/index.html (serve it, e.g. python3 -m http.server -d target/allure-report) and",
            "target/allure-report-single/index.html (one file, opens from file://). Trends continue from the previous",
            "report's history/. See docs/reports.md."})
public final class ReportCommand implements Callable<Integer> {

    @Option(names = "--results", paramLabel = "DIR", description = "Allure results (default: target/allure-results); "
            + "repeat it to merge several folders into one report (e.g. the shards of a CI matrix); they are copied "
            + "into <report>-merged-results first")
    java.util.List<Path> results = new java.util.ArrayList<>();

    @Option(names = "--report", paramLabel = "DIR", description = "report folder (default: target/allure-report)")
    Path report;

    @Option(names = "--single-file", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "also build the one-file variant in <report>-single/ (default: on; --no-single-file: off)")
    boolean singleFile;

    @Option(names = "--history", paramLabel = "DIR",
            description = "previous report (or its history/ folder) whose trends to continue (default: --report)")
    Path history;

    @Option(names = "--bench", paramLabel = "FILE",
            description = "output of './xpf bench --json' to show as performance figures (copied into the results)")
    Path bench;

    @Option(names = "--name", paramLabel = "TITLE", defaultValue = "xpf conformance",
            description = "report title (default: ${DEFAULT-VALUE})")
    String name;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path root = root();
        Path rep = report != null ? report : root.resolve("target").resolve("allure-report");
        Path res = results.isEmpty() ? root.resolve("target").resolve("allure-results")
                : results.size() == 1 ? results.get(0) : MergedResults.merge(results,
                        rep.resolveSibling(rep.getFileName() + "-merged-results"), err);
        if (history != null && !Files.isDirectory(history)) {
            throw new UserError("report: --history " + history + ": no such folder");
        }
        if (bench != null) {
            if (!Files.isRegularFile(bench)) {
                throw new UserError("report: --bench " + bench + ": no such file (make it with ./xpf bench --json > FILE)");
            }
            try {
                ResultsFolder.writeBench(res, Files.readString(bench));
            } catch (java.io.UncheckedIOException e) {
                throw new UserError("report: --bench " + bench + ": not the JSON of ./xpf bench --json ("
                        + e.getCause().getMessage().lines().findFirst().orElse("") + ")");
            }
        }
        AllureReport.Result r;
        // allure-generator logs through SLF4J and xpf.jar has no SLF4J provider: keep its "no providers" notice quiet
        System.setProperty("slf4j.internal.verbosity", System.getProperty("slf4j.internal.verbosity", "ERROR"));
        try {
            err.println("xpf report: building the report from " + res + " ...");
            err.flush();
            Path single = singleFile ? rep.resolveSibling(rep.getFileName() + "-single") : null;
            r = AllureReport.generate(new AllureReport.Options(res, rep, single, history, name, root));
        } catch (NoResultsException e) {
            throw new UserError("report: no Allure results in " + res + ". Produce them first: ./mvnw -B verify "
                    + "(every module's tests write there), or ./xpf conform; or point --results at a results folder.");
        } catch (IllegalArgumentException e) {
            throw new UserError("report: " + e.getMessage());
        }
        out.println("report: " + r.report().resolve("index.html").normalize());
        if (r.singleFile() != null) {
            out.println("single file: " + r.singleFile().normalize());
        }
        out.println("totals: " + r.summary().line() + " (" + r.summary().total() + " tests)");
        if (r.historyCarried()) {
            out.println("history: trends continued from the previous report");
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** The repository root: the xpf.root property, else the working directory. */
    static Path root() {
        String r = System.getProperty("xpf.root");
        return Path.of(r == null || r.isBlank() ? "." : r);
    }

    /** Registers {@code report} with the CLI. */
    public static final class Provider extends CommandProvider {
        public Provider() {
            super(ReportCommand::new, 60);
        }
    }
}
