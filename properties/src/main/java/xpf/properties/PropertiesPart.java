package xpf.properties;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import xpf.conformance.allure.ResultsFolder;
import xpf.conformance.conform.ConformContext;
import xpf.conformance.conform.ConformPart;
import xpf.conformance.conform.PartResult;
import xpf.properties.gen.Family;
import xpf.properties.gen.Generated;
import xpf.prop.report.FailureReport;
import xpf.prop.PropertyResult;
import xpf.prop.PropertyRunner;
import xpf.prop.Settings;
import xpf.prop.stats.StatisticsJson;

/**
 * The property part of {@code xpf conform}: the suite's four properties (bare x86, HVM shadow, HAP, PV) at a
 * conform-sized number of tries ({@value #TRIES} each; {@code --deep}: {@value #DEEP_TRIES}), each against the
 * reference oracles and the invariants. {@code --only} picks families (x86: bare; svm, vmx: HVM shadow; hap; pv);
 * the properties draw both Xen profiles whatever {@code --profile} says; {@code -Dxpf.conform.tries=N} overrides the
 * count. The seed is {@code -Dprop.seed} (or the
 * environment's {@code XPF_PROP_SEED}), else {@value #DEFAULT_SEED}; a shard {@code i/n} runs seed + i. A failure is
 * shrunk and saved under {@code target/prop-failures/} as a choice file and a scenario file, printed with its replay
 * commands ({@code ./xpf replay <scenario>}); statistics (the catalogue table) go into the results folder.
 */
public final class PropertiesPart implements ConformPart {

    static final int TRIES = 2_000;
    static final int DEEP_TRIES = 2_500_000;
    static final long DEFAULT_SEED = 0x5EED_C0F0L;

    @Override
    public String name() {
        return "properties";
    }

    @Override
    public int order() {
        return 30;
    }

    static List<Family> families(ConformContext ctx) {
        List<Family> out = new ArrayList<>();
        if (ctx.wants("x86")) {
            out.add(Family.BARE);
        }
        if (ctx.wants("svm") || ctx.wants("vmx")) {
            out.add(Family.HVM_SHADOW);
        }
        if (ctx.wants("hap")) {
            out.add(Family.HVM_HAP);
        }
        if (ctx.wants("pv")) {
            out.add(Family.PV);
        }
        return out;
    }

    static long seed() {
        String s = System.getProperty("prop.seed");
        if (s == null || s.isBlank()) {
            s = System.getenv("XPF_PROP_SEED");
        }
        return s == null || s.isBlank() ? DEFAULT_SEED : Long.decode(s.strip());
    }

    @Override
    public PartResult run(ConformContext ctx) {
        int passed = 0;
        int failed = 0;
        List<String> problems = new ArrayList<>();
        long seed = seed() + ctx.shard().index();
        int tries = Integer.getInteger("xpf.conform.tries", ctx.deep() ? DEEP_TRIES : TRIES);
        Path out = ctx.root().resolve("target").resolve("prop-failures");
        for (Family f : families(ctx)) {
            String id = "xpf.properties.conform/" + f.id();
            Settings st = Settings.withSeed(seed).tries(tries).outputDir(out).projectRoot(ctx.root());
            long t0 = System.nanoTime();
            // The catalogue's minimums are calibrated for the build's long properties (4,000-6,000 tries): a conform
            // run records the path counts and enforces them only when deep.
            PropertyResult<Generated> r = PropertyRunner.run(id, SuiteProperties.property(f,
                    SuiteProperties.Options.defaults().withCoverage(ctx.deep())), st);
            double secs = (System.nanoTime() - t0) / 1e9;
            ResultsFolder.writeCoverage(ctx.results(), id, StatisticsJson.render(id, r.statistics()));
            ctx.err().printf("properties: %-10s %s %d tries (seed %d) in %.1f s, %.0f scenarios/s%n", f.id(),
                    r.failed() ? "FAILED after" : "passed", r.triesRun(), seed, secs, r.triesRun() / secs);
            if (r.failed()) {
                failed++;
                String report = FailureReport.render(r);
                ctx.err().println(report);
                problems.add(id + ": " + firstLine(report));
            } else {
                passed++;
            }
            ctx.err().flush();
        }
        return new PartResult(name(), passed, failed, 0, 0, problems);
    }

    static String firstLine(String s) {
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }
}
