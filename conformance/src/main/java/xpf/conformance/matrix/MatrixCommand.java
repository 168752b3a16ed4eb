package xpf.conformance.matrix;

import com.fasterxml.jackson.databind.node.TextNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import xpf.conformance.reference.ReferenceWalk;
import xpf.conformance.walk.WalkCaseMinimiser;
import xpf.model.x86.PagingMode;
import xpf.sim.cli.ExitCodes;
import xpf.sim.cli.Progress;
import xpf.sim.cli.Shard;
import xpf.sim.cli.UserError;
import xpf.sim.cli.CommandProvider;
import xpf.sim.walk.WalkJson;

/**
 * {@code xpf matrix}: simulator against reference over kvm-unit-tests access.c's whole flag space (exhaustive), or
 * over a t-wise covering array of access.c's space or of the extended space (all modes, every level, SMAP, PKS).
 */
@Command(name = "matrix", mixinStandardHelpOptions = true,
        description = {"Check the x86 walk of the simulator against the independent reference model over a matrix.",
            "Default: access.c's full flag space (19,169,280 cases at 4-level on a MAXPHYADDR-40 PKU host), with CR2",
            "and the A/D bits of every level checked. Mismatches are minimised and printed as walk-service lines."},
        footer = {"", "Exit code: 0 no mismatch, 1 mismatches, 2 bad input.",
            "Examples:", "  ./xpf matrix                      # access.c space, exhaustive, 4-level",
            "  ./xpf matrix --depth both --shard 0/4", "  ./xpf matrix --space xpf --t 3     # extended space, 3-wise"})
public final class MatrixCommand implements Callable<Integer> {

    @Option(names = "--space", paramLabel = "access-c|xpf", defaultValue = "access-c",
            description = "flag space (default ${DEFAULT-VALUE})")
    String space;

    @Option(names = "--t", paramLabel = "T", description = "instead of the exhaustive space: a T-wise covering array "
            + "(2..4; the xpf space is always covering)")
    Integer t;

    @Option(names = "--depth", paramLabel = "4|5|both", defaultValue = "4",
            description = "paging depth for the access.c space (default ${DEFAULT-VALUE})")
    String depth;

    @Option(names = "--maxphyaddr", paramLabel = "M", defaultValue = "40",
            description = "host MAXPHYADDR for the access.c space (default ${DEFAULT-VALUE})")
    int maxPhyAddr;

    @Option(names = "--no-pku", description = "a host without protection keys (access.c's PKU flags invalid)")
    boolean noPku;

    @Option(names = "--shard", paramLabel = "i/n", description = "run shard i of n (contiguous index ranges)")
    String shard;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: the core count)")
    Integer threads;

    @Option(names = "--limit", paramLabel = "N", description = "stop after the first N cases of the (sharded) range")
    Long limit;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "covering-array seed")
    long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Shard sh = shard == null ? Shard.ALL : Shard.parse(shard);
        int nThreads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (nThreads < 1 || nThreads > 256) {
            throw new UserError("matrix: --threads must be in 1..256, got " + nThreads);
        }
        if (maxPhyAddr < 36 || maxPhyAddr > 52) {
            throw new UserError("matrix: --maxphyaddr must be in 36..52, got " + maxPhyAddr);
        }
        if (t != null && (t < 2 || t > 4)) {
            throw new UserError("matrix: --t must be 2, 3 or 4, got " + t);
        }
        List<PagingMode> modes = switch (depth) {
            case "4" -> List.of(PagingMode.LONG4);
            case "5" -> List.of(PagingMode.LONG5);
            case "both" -> List.of(PagingMode.LONG4, PagingMode.LONG5);
            default -> throw new UserError("matrix: --depth must be 4, 5 or both, got '" + depth + "'");
        };
        String title;
        long total;
        LongFunction<MatrixRunner.MatrixCase> cases;
        AccessCSpace exhaustive = null;
        switch (space) {
            case "access-c" -> {
                AccessCSpace s = new AccessCSpace(new AccessCSpace.Host(maxPhyAddr, !noPku, false));
                if (t == null) {
                    long perDepth = s.count();
                    total = perDepth * modes.size();
                    cases = i -> MatrixRunner.accessC(s, modes.get((int) (i / perDepth))).apply(i % perDepth);
                    exhaustive = s;
                    title = String.format(Locale.ROOT, "access.c space, exhaustive, %s, MAXPHYADDR %d, %s",
                            depthName(modes), maxPhyAddr, noPku ? "no PKU" : "PKU");
                } else {
                    List<int[]> rows = CoveringArray.generate(s, t, seed).rows();
                    total = (long) rows.size() * modes.size();
                    cases = i -> {
                        int flags = AccessCSpace.toFlags(rows.get((int) (i % rows.size())));
                        PagingMode m = modes.get((int) (i / rows.size()));
                        return new MatrixRunner.MatrixCase(i, AccessCFlag.describe(flags),
                                AccessCCase.build(flags, m, maxPhyAddr), AccessCFlag.ACCESS_TWICE.in(flags));
                    };
                    title = "access.c space, " + t + "-wise covering array, " + depthName(modes);
                }
            }
            case "xpf" -> {
                XpfWalkSpace s = new XpfWalkSpace();
                int strength = t == null ? 3 : t;
                List<int[]> rows = CoveringArray.generate(s, strength, seed).rows();
                total = rows.size();
                cases = i -> new MatrixRunner.MatrixCase(i, s.describe(rows.get((int) i)), s.build(rows.get((int) i)),
                        false);
                title = "extended walk space (all modes, every level, SMAP, PKS), " + strength + "-wise covering array";
            }
            default -> throw new UserError("matrix: --space must be access-c or xpf, got '" + space + "'");
        }
        long from = sh.from(total);
        long to = sh.to(total);
        if (limit != null) {
            to = Math.min(to, from + Math.max(0, limit));
        }
        err.printf(Locale.ROOT, "xpf matrix: %s: %,d cases (shard %s: %,d..%,d), %d threads%n", title, total, sh,
                from, to, nThreads);
        AtomicLong done = new AtomicLong();
        MatrixRunner.Summary sum;
        try (Progress p = new Progress("matrix", to - from, done, err, Progress.twentieth(to - from))) {
            sum = exhaustive != null
                    ? MatrixRunner.runAccessC(from, to, nThreads, exhaustive, modes, done, 3)
                    : MatrixRunner.run(from, to, nThreads, cases, ReferenceWalk::evaluate, done, 3);
        }
        for (MatrixRunner.Mismatch m : sum.mismatches()) {
            MatrixRunner.MatrixCase mc = cases.apply(m.index());
            var minimal = WalkCaseMinimiser.minimise(mc.walkCase(),
                    c -> MatrixCheck.check(c, mc.twice(), ReferenceWalk::evaluate) != null);
            out.println("MISMATCH case " + m.index() + " [" + m.label() + "]: " + m.difference());
            out.println("  minimal: " + WalkJson.caseToLine(minimal, TextNode.valueOf("matrix-" + m.index()), true,
                    Map.of("comment", (mc.twice() ? "access twice; " : "") + MatrixCheck.check(minimal, mc.twice(),
                            ReferenceWalk::evaluate))));
        }
        out.printf(Locale.ROOT, "%d cases, %d mismatches, %.1f s, %,.0f cases/s%n", sum.cases(), sum.mismatchCount(),
                sum.seconds(), sum.casesPerSecond());
        out.flush();
        return sum.mismatchCount() == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private static String depthName(List<PagingMode> modes) {
        return modes.size() == 2 ? "4- and 5-level" : modes.get(0) == PagingMode.LONG4 ? "4-level" : "5-level";
    }

    /** Registers {@code matrix} with the CLI. */
    public static final class Provider extends CommandProvider {
        public Provider() {
            super(MatrixCommand::new, 40);
        }
    }
}
