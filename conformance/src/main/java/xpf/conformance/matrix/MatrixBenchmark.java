package xpf.conformance.matrix;

import java.util.List;
import xpf.model.x86.PagingMode;
import xpf.sim.bench.BenchFigure;
import xpf.sim.bench.Benchmark;
import xpf.sim.bench.Measure;

/**
 * Matrix throughput: access.c cases checked per second (simulator + reference + comparison, as
 * {@link MatrixRunner#runAccessC} does them), one thread, over a stride through the whole space so every flag mix is
 * represented. The full matrix's wall time follows as
 * 19,169,280 / (rate × cores) when the cores scale (the runner shares nothing between threads).
 */
public final class MatrixBenchmark implements Benchmark {

    @Override
    public String name() {
        return "matrix";
    }

    @Override
    public List<BenchFigure> run(double seconds) {
        AccessCSpace s = new AccessCSpace(AccessCSpace.Host.TYPICAL);
        AccessCChecker checker = new AccessCChecker(s.host().maxPhyAddr());
        long stride = 9973; // prime: visits all residues of the constrained/free split
        long[] next = {0};
        double rate = Measure.opsPerSecond(n -> {
            long bad = 0;
            for (long i = 0; i < n; i++) {
                // The same per-case work as the exhaustive run (MatrixRunner.runAccessC): index -> flags -> check.
                next[0] = (next[0] + stride) % s.count();
                if (!checker.agrees(s.flagsAt(next[0]), PagingMode.LONG4)) {
                    bad++;
                }
            }
            return bad;
        }, seconds);
        int cores = Runtime.getRuntime().availableProcessors();
        return List.of(new BenchFigure("matrix_cases_per_s", rate * cores, "cases/s", 1e6,
                        "access.c cases (sim + reference + compare) per second on all " + cores
                                + " cores (one-thread rate x cores)"),
                new BenchFigure("matrix_full_seconds", s.count() / (rate * cores), "s", 0,
                        "estimated wall time of the full 19,169,280-case access.c matrix (goal <= 20 s)"));
    }
}
