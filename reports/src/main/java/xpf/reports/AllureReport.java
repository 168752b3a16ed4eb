package xpf.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qameta.allure.ConfigurationBuilder;
import io.qameta.allure.Extension;
import io.qameta.allure.ReportGenerator;
import io.qameta.allure.core.Configuration;
import io.qameta.allure.ga.GaPlugin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import xpf.conformance.allure.Environment;
import xpf.conformance.allure.ResultsFolder;

/**
 * Builds the Allure report of a results folder, in-process with allure-generator (the library behind the Allure 2
 * command line), with the Behaviors and Packages tabs and xpf's own widget and tab ({@link XpfContent}).
 *
 * <p>The simple API, for {@code xpf report} and {@code xpf conform}:
 * <pre>{@code
 * AllureReport.Result r = AllureReport.generate(Path.of("target/allure-results"), Path.of("target/allure-report"), true);
 * }</pre>
 * Before generating it prepares the results folder: {@code categories.json} (always), the previous report's
 * {@code history/} (so trends continue; it replaces a history already in the results), {@code executor.json} (build number
 * for the trend axis; {@code XPF_BUILD_NAME} / {@code XPF_BUILD_URL} name and link the CI build) and {@code environment.properties} (merged run records, then what the results
 * say: Xen profiles and vendors of the scenarios, property seeds and tries). The report is built even when results
 * failed; Google Analytics is left out (the generator's GaPlugin is dropped and its script tag removed).
 */
public final class AllureReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Generation options.
     *
     * @param results      the results folder
     * @param report       the HTML report folder (replaced)
     * @param singleFile   the folder of the single-file variant ({@code index.html}), or null for none
     * @param history      where the previous history is: a report folder or its {@code history/}; null = {@code report}
     * @param reportName   the report's title
     * @param repo         the repository, for the git commit in the environment (null: none)
     */
    public record Options(Path results, Path report, Path singleFile, Path history, String reportName, Path repo) {
        public Options {
            if (reportName == null) {
                reportName = "xpf conformance";
            }
        }
    }

    /** What was generated: the folders and the totals of the report. */
    public record Result(Path report, Path singleFile, ResultsSummary summary, boolean historyCarried) {
    }

    private AllureReport() {
    }

    /**
     * The HTML report at {@code report} and, if {@code singleFile}, the one-file variant at
     * {@code <report>-single/index.html}.
     */
    public static Result generate(Path results, Path report, boolean singleFile) {
        Path single = singleFile ? report.resolveSibling(report.getFileName() + "-single") : null;
        Path repo = results.toAbsolutePath().getParent() == null ? null
                : results.toAbsolutePath().getParent().getParent();
        return generate(new Options(results, report, single, null, null, repo));
    }

    public static Result generate(Options o) {
        ResultsSummary summary = ResultsSummary.read(o.results()); // throws NoResultsException when empty
        boolean carried = prepare(o, summary);
        int buildOrder = buildOrder(o.results());
        Path work;
        try {
            work = Files.createTempDirectory("xpf-report-plugins");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work folder", e);
        }
        try {
            XpfContent xpf = new XpfContent(List.of(o.results()), buildOrder);
            Configuration config = configuration(o.reportName(), work, xpf);
            replaceable(o.report());
            deleteTree(o.report());
            new ReportGenerator(config).generate(o.report(), List.of(o.results()));
            stripAnalytics(o.report().resolve("index.html"));
            if (o.singleFile() != null) {
                replaceable(o.singleFile());
                deleteTree(o.singleFile());
                Files.createDirectories(o.singleFile());
                new ReportGenerator(configuration(o.reportName(), work, xpf)).generateSingleFile(o.singleFile(),
                        List.of(o.results()));
                stripAnalytics(o.singleFile().resolve("index.html"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report", e);
        } finally {
            deleteTree(work);
        }
        return new Result(o.report(), o.singleFile() == null ? null : o.singleFile().resolve("index.html"), summary,
                carried);
    }

    static Configuration configuration(String name, Path work, XpfContent xpf) {
        List<Extension> extensions = new ArrayList<>();
        for (Extension e : new ConfigurationBuilder().useDefault().build().getExtensions()) {
            if (!(e instanceof GaPlugin)) { // no analytics: the report is built offline and must not phone home
                extensions.add(e);
            }
        }
        return new ConfigurationBuilder().fromExtensions(extensions).withPlugins(BundledPlugins.load(work, xpf))
                .withReportName(name).build();
    }

    /** Writes categories, history, executor and environment into the results folder. Returns whether history came. */
    static boolean prepare(Options o, ResultsSummary summary) {
        Path results = o.results();
        ResultsFolder.writeCategories(results);
        boolean carried = false;
        // The previous report's history is the freshest: it replaces whatever history the results hold (an older
        // copy from an earlier generation); with no previous report, a history put into the results is kept.
        Path history = o.history() != null ? o.history() : o.report();
        carried = ResultsFolder.copyHistory(history, results);
        // executor.json: always ours (allure-maven leaves its own), numbered after the carried history's last build.
        int order = buildOrder(results);
        ObjectNode ex = JSON.createObjectNode();
        boolean ci = "true".equals(System.getenv("CI"));
        ex.put("name", ci ? "CI (.ci/run)" : "xpf report");
        ex.put("type", ci ? "ci" : "local");
        ex.put("buildOrder", order);
        String buildName = System.getenv("XPF_BUILD_NAME");
        ex.put("buildName", buildName == null || buildName.isBlank() ? "xpf run #" + order : buildName);
        String buildUrl = System.getenv("XPF_BUILD_URL");
        if (buildUrl != null && !buildUrl.isBlank()) {
            ex.put("buildUrl", buildUrl);
        }
        ex.put("reportName", o.reportName());
        write(results.resolve("executor.json"), ex);
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, String> merged = Environment.merged(results);
        if (!merged.containsKey(Environment.JDK)) {
            env.put(Environment.JDK, Environment.jdk());
        }
        if (!summary.profiles().isEmpty()) {
            env.put(Environment.XEN_PROFILES, union(merged.get(Environment.XEN_PROFILES), summary.profiles()));
        }
        if (!summary.vendors().isEmpty()) {
            env.put(Environment.VENDORS, union(merged.get(Environment.VENDORS), summary.vendors()));
        }
        if (!merged.containsKey(Environment.SEED) && !summary.seeds().isEmpty()) {
            env.put(Environment.SEED, summary.seeds().size() == 1 ? summary.seeds().first()
                    : summary.seeds().size() + " seeds (one per property: see each result's parameters)");
        }
        if (!merged.containsKey(Environment.TRIES) && summary.properties() > 0) {
            env.put(Environment.TRIES, summary.tries() + " in " + summary.properties() + " properties");
        }
        if (!merged.containsKey(Environment.GIT_COMMIT) && o.repo() != null) {
            String commit = Environment.gitCommit(o.repo());
            if (commit != null) {
                env.put(Environment.GIT_COMMIT, commit);
            }
        }
        Environment.write(results, env);
        return carried;
    }

    private static String union(String recorded, java.util.SortedSet<String> seen) {
        java.util.TreeSet<String> all = new java.util.TreeSet<>(seen);
        if (recorded != null) {
            for (String s : recorded.split(", ")) {
                if (!s.isBlank()) {
                    all.add(s);
                }
            }
        }
        return String.join(", ", all);
    }

    /** One more than the last build in the carried history's trend (1 when there is none). */
    static int buildOrder(Path results) {
        Path trend = results.resolve("history").resolve("history-trend.json");
        int max = 0;
        if (Files.isRegularFile(trend)) {
            try {
                for (JsonNode item : JSON.readTree(trend.toFile())) {
                    max = Math.max(max, item.path("buildOrder").asInt(0));
                }
                if (max == 0) {
                    max = JSON.readTree(trend.toFile()).size();
                }
            } catch (IOException e) {
                max = 0;
            }
        }
        return max + 1;
    }

    /** Removes the Google Analytics loader from a generated index.html: the report must work offline. */
    static void stripAnalytics(Path indexHtml) throws IOException {
        if (!Files.isRegularFile(indexHtml)) {
            return;
        }
        String html = Files.readString(indexHtml, StandardCharsets.UTF_8);
        String stripped = html.replaceAll("<script async src=\"https://www\\.googletagmanager\\.com/[^\"]*\"></script>",
                "");
        if (!stripped.equals(html)) {
            Files.writeString(indexHtml, stripped, StandardCharsets.UTF_8);
        }
    }

    /** Refuses to replace a folder that is neither empty nor a generated report (a mistyped path must not be lost). */
    static void replaceable(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " exists and is not a folder: choose another report folder");
        }
        try (Stream<Path> s = Files.list(dir)) {
            if (s.findAny().isPresent() && !Files.isRegularFile(dir.resolve("index.html"))) {
                throw new IllegalArgumentException(dir + " is not empty and holds no report (no index.html): "
                        + "choose another report folder");
            }
        }
    }

    private static void write(Path f, Object tree) {
        try {
            Files.createDirectories(f.getParent());
            Files.writeString(f, JSON.writeValueAsString(tree) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + f, e);
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
