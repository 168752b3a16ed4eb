package xpf.reports;

import java.nio.file.Path;

/** Writes the fixture results and generates their report (manual use: look at the report in a browser). */
final class ReportFixtureMain {
    private ReportFixtureMain() {
    }

    public static void main(String[] args) throws Exception {
        Path results = Path.of(args[0]);
        Path report = Path.of(args[1]);
        AllureReport.deleteTree(results);
        ReportFixture.write(results, Path.of(args.length > 2 ? args[2] : "."));
        AllureReport.Result r = AllureReport.generate(results, report, true);
        System.out.println(r.summary().line() + " -> " + r.report() + " / " + r.singleFile());
    }
}
