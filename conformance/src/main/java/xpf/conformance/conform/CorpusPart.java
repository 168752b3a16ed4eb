package xpf.conformance.conform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import xpf.conformance.allure.AllureScenarioRecorder;
import xpf.conformance.allure.ScenarioVerdict;
import xpf.conformance.corpus.Corpus;
import xpf.conformance.rules.RuleCatalogue;
import xpf.conformance.rules.RuleCoverage;
import xpf.sim.cli.Progress;

/**
 * The corpus part: every scenario file under conformance/scenarios/ in the chosen areas and profile, each one Allure
 * result whose steps are the Xen call trace. The {@code examples} folder belongs to every area; {@code --only}
 * narrows to the named subfolders.
 */
public final class CorpusPart implements ConformPart {

    /**
     * The corpus's rule → scenarios table (conformance/rules.yaml against the tags of every corpus file, whatever
     * {@code --only} chose) into the results folder, where the report's xpf tab shows it; one summary line on stderr.
     * The build fails on holes (RuleCoverageTest); here they are only reported.
     */
    static void writeRuleCoverage(ConformContext ctx, Path corpus) {
        Path catalogueFile = ctx.root().resolve(RuleCatalogue.FILE);
        if (!Files.isRegularFile(catalogueFile)) {
            ctx.err().println("corpus: no " + RuleCatalogue.FILE + ": rule coverage not written");
            return;
        }
        RuleCoverage cov = new RuleCoverage(RuleCatalogue.load(catalogueFile), RuleCoverage.scan(corpus,
                new ArrayList<>()));
        cov.writeAllure(ctx.results());
        long required = cov.catalogue().rules().stream().filter(r -> r.status() == RuleCatalogue.Status.REQUIRED)
                .count();
        long waived = cov.catalogue().rules().stream().filter(r -> r.status() == RuleCatalogue.Status.WAIVED).count();
        List<String> missing = cov.missingRequired();
        ctx.err().println("corpus: rule coverage " + (required - missing.size()) + "/" + required
                + " required rules have a scenario, " + waived + " waived"
                + (missing.isEmpty() && cov.unknownTags().isEmpty() ? "" : "; missing: " + missing
                        + (cov.unknownTags().isEmpty() ? "" : "; unknown tags: " + cov.unknownTags().keySet())));
        ctx.err().flush();
    }

    @Override
    public String name() {
        return "corpus";
    }

    @Override
    public int order() {
        return 10;
    }

    @Override
    public PartResult run(ConformContext ctx) {
        Path root = ctx.root().resolve(Corpus.FOLDER);
        List<Path> files = new ArrayList<>();
        List<Path> all = Corpus.files(root);
        for (int i = 0; i < all.size(); i++) {
            Path p = all.get(i);
            String area = root.relativize(p).getName(0).toString();
            boolean wanted = ctx.only().isEmpty() || ctx.wants(area);
            if (wanted && ctx.shard().owns(i)) {
                files.add(p);
            }
        }
        AllureScenarioRecorder recorder = AllureScenarioRecorder.toDirectory(ctx.results());
        int passed = 0;
        int failed = 0;
        int broken = 0;
        int skipped = 0;
        List<String> problems = new ArrayList<>();
        AtomicLong done = new AtomicLong();
        try (Progress progress = new Progress("corpus", files.size(), done, ctx.err(), 50)) {
            for (Path p : files) {
                Corpus.Checked c = Corpus.check(p);
                boolean profileMatches = ctx.profile() == null || c.report().run() == null
                        || c.report().scenario().machine().xen() == ctx.profile();
                if (!profileMatches) {
                    skipped++;
                    done.incrementAndGet();
                    continue;
                }
                ScenarioVerdict v = recorder.record(c.report());
                switch (v.kind()) {
                    case PASSED -> {
                        if (c.passed()) {
                            passed++;
                        } else {
                            failed++;
                            problems.addAll(c.problems());
                        }
                    }
                    case FAILED -> {
                        failed++;
                        problems.addAll(c.problems());
                    }
                    case BROKEN -> {
                        broken++;
                        problems.addAll(c.problems());
                    }
                    case SKIPPED -> skipped++;
                }
                done.incrementAndGet();
            }
        }
        writeRuleCoverage(ctx, root);
        return new PartResult(name(), passed, failed, broken, skipped, problems);
    }
}
