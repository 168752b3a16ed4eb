package xpf.sim.bench;

import java.util.List;

/**
 * A benchmark that {@code xpf bench} runs, contributed by any module through {@link java.util.ServiceLoader} (the
 * walk benchmarks live in sim, the property-engine and matrix benchmarks in the modules that own that code).
 */
public interface Benchmark {
    /** Short name for {@code --only}. */
    String name();

    /** Runs and returns its figures. {@code seconds} is the measuring time per figure (after warm-up). */
    List<BenchFigure> run(double seconds);
}
