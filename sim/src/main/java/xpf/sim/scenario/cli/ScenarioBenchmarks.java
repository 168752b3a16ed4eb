package xpf.sim.scenario.cli;

import java.util.List;
import xpf.sim.bench.BenchFigure;
import xpf.sim.bench.Benchmark;
import xpf.sim.bench.Measure;
import xpf.sim.scenario.load.LoadedScenario;
import xpf.sim.scenario.load.ScenarioLoader;

/**
 * Scenario throughput for {@code xpf bench --only scenario}: loading (YAML parse + validation), running (machine
 * build + steps + trace + expectation check), and both, on the complete example of docs/scenario-format.md (a bare
 * domain, four steps). {@code xpf run --bench N FILES} measures the same on any files.
 */
public final class ScenarioBenchmarks implements Benchmark {
    static final String EXAMPLE = """
            version: 1
            name: user-write-to-read-only-page
            machine: {vendor: intel, maxphyaddr: 40, features: [nx, smep, page1gb], xen: xen-4.22}
            domains:
              - name: guest
                kind: bare
                frames: {l4: 0x1000, l3: 0x1001, l2: 0x1002, l1: 0x1003, data: 0x1100}
                page_tables:
                  - {table: l4, index: 0, entry: "l3 | P|RW|US"}
                  - {table: l3, index: 0, entry: "l2 | P|RW|US"}
                  - {table: l2, index: 2, entry: "l1 | P|RW|US"}
                  - {table: l1, index: 0, entry: "data | P|US"}
                memory:
                  - {frame: data, offset: 0x10, value: 0x1122_3344}
                vcpus:
                  - {mode: long4, cr3: l4, controls: [WP, NXE], cpl: 3}
            steps:
              - {op: access, va: 0x400010, kind: read, expect: {outcome: ok, value: 0x11223344}}
              - op: access
                va: 0x400010
                kind: write
                value: 1
                expect: {outcome: exception, vector: 14, error_code: "P|W|U", cr2: 0x400010}
              - {op: cr_write, clear: [WP], expect: {outcome: ok}}
              - {op: access, va: 0x400010, kind: write, value: 1, cpl: 0, expect: {outcome: ok}}
            """;

    @Override
    public String name() {
        return "scenario";
    }

    @Override
    public List<BenchFigure> run(double seconds) {
        LoadedScenario loaded = ScenarioLoader.load("bench.yaml", EXAMPLE);
        if (!loaded.run().passed()) {
            throw new IllegalStateException("the benchmark scenario no longer passes");
        }
        // SnakeYAML and the loader need more than Measure's warm-up before C2 has compiled them: without this the
        // first figure (loads) comes out at half its steady rate
        long warmEnd = System.nanoTime() + (long) (Math.max(1.0, seconds) * 1e9);
        long sink = 0;
        while (System.nanoTime() < warmEnd) {
            sink += ScenarioLoader.load("bench.yaml", EXAMPLE).run().steps().size();
        }
        if (sink == 0) {
            throw new IllegalStateException("warm-up ran nothing");
        }
        double loads = Measure.opsPerSecond(n -> {
            long s = 0;
            for (long i = 0; i < n; i++) {
                s += ScenarioLoader.load("bench.yaml", EXAMPLE).scenario().steps().size();
            }
            return s;
        }, seconds);
        double runs = Measure.opsPerSecond(n -> {
            long s = 0;
            for (long i = 0; i < n; i++) {
                s += loaded.run().passed() ? 1 : 0;
            }
            return s;
        }, seconds);
        double both = Measure.opsPerSecond(n -> {
            long s = 0;
            for (long i = 0; i < n; i++) {
                s += ScenarioLoader.load("bench.yaml", EXAMPLE).run().steps().size();
            }
            return s;
        }, seconds);
        String per = Measure.cpuTime() ? "per CPU-second" : "per second";
        return List.of(
                new BenchFigure("scenario_loads_per_s", loads, "loads/s", 0,
                        "parse + validate the 4-step example of docs/scenario-format.md, " + per),
                new BenchFigure("scenario_runs_per_s", runs, "runs/s", 0,
                        "build the machine, run 4 steps with the trace, check expectations, " + per),
                new BenchFigure("scenario_files_per_s", both, "scenarios/s", 0, "load + run of a scenario file, " + per));
    }
}
