package xpf.conformance.conform;

import io.qameta.allure.model.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import xpf.conformance.matrix.AccessCCase;
import xpf.conformance.matrix.AccessCFlag;
import xpf.conformance.matrix.AccessCSpace;
import xpf.conformance.matrix.CoveringArray;
import xpf.conformance.matrix.MatrixRunner;
import xpf.conformance.matrix.XpfWalkSpace;
import xpf.conformance.reference.ReferenceWalk;
import xpf.model.x86.PagingMode;
import xpf.sim.cli.Progress;
import xpf.sim.walk.WalkJson;

/**
 * The x86 matrix part: simulator against the reference walk model on covering arrays of access.c's space (4-wise, 4-
 * and 5-level) and of the extended space (3-wise); with {@code --deep}, access.c's whole space (19,169,280 cases at
 * 4-level). Each subset is one Allure result; a mismatch attaches the first cases as walk-service lines.
 */
public final class MatrixPart implements ConformPart {

    @Override
    public String name() {
        return "matrix";
    }

    @Override
    public int order() {
        return 20;
    }

    /** The covering arrays (deterministic: fixed seed), built once per JVM: every shard of a run cuts the same rows. */
    private static final java.util.concurrent.ConcurrentHashMap<String, List<int[]>> ROWS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** One subset of the matrix: its name and this shard's index range {@code [from, to)} of it. */
    record Subset(String name, long from, long to, LongFunction<MatrixRunner.MatrixCase> cases) {
    }

    @Override
    public PartResult run(ConformContext ctx) {
        if (!ctx.wants("x86")) {
            return new PartResult(name(), 0, 0, 0, 0, List.of());
        }
        return runSubsets(ctx, subsets(ctx));
    }

    /** The subsets this run checks, each cut to the shard's range (a shard's share of every subset). */
    static List<Subset> subsets(ConformContext ctx) {
        AccessCSpace ac = new AccessCSpace(AccessCSpace.Host.TYPICAL);
        List<Subset> subsets = new ArrayList<>();
        List<int[]> rows4 = ROWS.computeIfAbsent("access-c/4", k -> CoveringArray.generate(ac, 4, 1).rows());
        for (PagingMode m : List.of(PagingMode.LONG4, PagingMode.LONG5)) {
            subsets.add(new Subset("access.c space, 4-wise, " + m.wireName(), ctx.shard().from(rows4.size()),
                    ctx.shard().to(rows4.size()), i -> {
                int flags = AccessCSpace.toFlags(rows4.get((int) i));
                return new MatrixRunner.MatrixCase(i, AccessCFlag.describe(flags), AccessCCase.build(flags, m, 40),
                        AccessCFlag.ACCESS_TWICE.in(flags));
            }));
        }
        XpfWalkSpace xs = new XpfWalkSpace();
        List<int[]> rowsX = ROWS.computeIfAbsent("xpf/3", k -> CoveringArray.generate(xs, 3, 1).rows());
        subsets.add(new Subset("extended walk space, 3-wise", ctx.shard().from(rowsX.size()),
                ctx.shard().to(rowsX.size()),
                i -> new MatrixRunner.MatrixCase(i, xs.describe(rowsX.get((int) i)), xs.build(rowsX.get((int) i)),
                        false)));
        if (ctx.deep()) {
            long n = ac.count();
            subsets.add(new Subset("access.c space, exhaustive, long4", ctx.shard().from(n), ctx.shard().to(n),
                    MatrixRunner.accessC(ac, PagingMode.LONG4)));
        }
        return subsets;
    }

    private PartResult runSubsets(ConformContext ctx, List<Subset> subsets) {
        int passed = 0;
        int failed = 0;
        List<String> problems = new ArrayList<>();
        for (Subset s : subsets) {
            long start = System.currentTimeMillis();
            AtomicLong done = new AtomicLong();
            MatrixRunner.Summary sum;
            try (Progress p = new Progress("matrix " + s.name(), s.to() - s.from(), done, ctx.err(),
                    Progress.twentieth(s.to() - s.from()))) {
                sum = MatrixRunner.run(s.from(), s.to(), Runtime.getRuntime().availableProcessors(), s.cases(),
                        ReferenceWalk::evaluate, done, 3);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("suite", "x86 matrix");
            labels.put("epic", "x86");
            labels.put("feature", "page walk");
            labels.put("story", "1.1a-1.1f");
            Map<String, String> atts = new LinkedHashMap<>();
            StringBuilder lines = new StringBuilder();
            for (MatrixRunner.Mismatch m : sum.mismatches()) {
                lines.append("case ").append(m.index()).append(" [").append(m.label()).append("]: ")
                        .append(m.difference()).append('\n').append(WalkJson.caseToLine(m.walkCase(), null))
                        .append('\n');
            }
            String summary = String.format("%,d cases, %,d mismatches, %.1f s", sum.cases(), sum.mismatchCount(),
                    sum.seconds());
            if (sum.mismatchCount() == 0) {
                passed++;
            } else {
                failed++;
                atts.put("first mismatches (walk-service lines)", lines.toString());
                problems.add("matrix " + s.name() + ": " + summary);
            }
            atts.put("summary", summary + "\nsimulator (xpf.sim.walk.WalkService) vs reference "
                    + "(xpf.conformance.reference.ReferenceWalk); replay a line with: ./xpf walk -");
            // a shard's result is its own test (its own history id), so the merged results of all shards list each
            // shard once instead of showing them as retries of one test
            String shardSuffix = ctx.shard().count() > 1 ? " (shard " + ctx.shard() + ")" : "";
            PlainResults.write(ctx.results(), "matrix: " + s.name() + shardSuffix, "xpf.matrix:" + s.name()
                    + shardSuffix,
                    sum.mismatchCount() == 0 ? Status.PASSED : Status.FAILED,
                    sum.mismatchCount() == 0 ? summary : "Xen semantics violated: x86 walk mismatch: " + summary,
                    labels, atts, start, System.currentTimeMillis());
        }
        return new PartResult(name(), passed, failed, 0, 0, problems);
    }
}
