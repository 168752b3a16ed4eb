package xpf.conformance.matrix;

import java.util.List;
import java.util.function.LongFunction;
import xpf.conformance.reference.ReferenceWalk;
import xpf.model.x86.PagingMode;
import xpf.sim.bench.BenchFigure;
import xpf.sim.bench.Benchmark;
import xpf.sim.bench.Measure;

/**
 * Matrix throughput: access.c cases checked per second (simulator + reference + comparison), one thread, over a
 * stride through the whole space so every flag mix is represented. The full matrix's wall time follows as
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
        LongFunction<MatrixRunner.MatrixCase> build = MatrixRunner.accessC(s, PagingMode.LONG4);
        long stride = 9973; // prime: visits all residues of the constrained/free split
        double rate = Measure.opsPerSecond(n -> {
            long bad = 0;
            for (long i = 0; i < n; i++) {
                MatrixRunner.MatrixCase c = build.apply((i * stride) % s.count());
                if (MatrixCheck.check(c.walkCase(), c.twice(), ReferenceWalk::evaluate) != null) {
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
