package xpf.conformance.matrix;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.LongUnaryOperator;
import java.util.function.Supplier;
import xpf.conformance.reference.ReferenceWalk;
import xpf.model.x86.PagingMode;
import xpf.model.x86.WalkCase;
import xpf.model.x86.WalkOutcome;

/**
 * Runs a range of matrix cases on several threads. Results do not depend on thread timing: totals are sums, and the
 * reported mismatches are the lowest-index ones.
 */
public final class MatrixRunner {

    /** A case of the matrix: its index, a label (e.g. access.c flag names), the walk case, repeat-access flag. */
    public record MatrixCase(long index, String label, WalkCase walkCase, boolean twice) {
    }

    /** A disagreement between simulator and reference. */
    public record Mismatch(long index, String label, WalkCase walkCase, String difference) {
    }

    /** The run's totals and its first mismatches (at most {@code keep}, lowest index first). */
    public record Summary(long cases, long mismatchCount, List<Mismatch> mismatches, double seconds) {
        public double casesPerSecond() {
            return seconds <= 0 ? 0 : cases / seconds;
        }
    }

    private static final long CHUNK = 1 << 14;

    private MatrixRunner() {
    }

    /** Checks cases by index on one worker thread: null when simulator and reference agree. */
    @FunctionalInterface
    interface CaseCheck {
        Mismatch check(long i);
    }

    /**
     * @param cases    builds case {@code i}, for {@code from <= i < to}
     * @param progress receives the running count of cases done (called from worker threads; may be null)
     */
    public static Summary run(long from, long to, int threads, LongFunction<MatrixCase> cases,
            Function<WalkCase, WalkOutcome> reference, AtomicLong progress, int keep) {
        return runChecks(from, to, threads, () -> i -> {
            MatrixCase mc = cases.apply(i);
            String diff = MatrixCheck.check(mc.walkCase(), mc.twice(), reference);
            return diff == null ? null : new Mismatch(i, mc.label(), mc.walkCase(), diff);
        }, progress, keep);
    }

    /**
     * access.c's space at the given paging depths (index {@code i} is case {@code i % count} at depth
     * {@code modes[i / count]}), checked by {@link AccessCChecker}: the same comparisons as {@link #run} with
     * {@link ReferenceWalk} as the reference, without building a walk case per case. A disagreement is explained by
     * {@link MatrixCheck} on the built case.
     */
    public static Summary runAccessC(long from, long to, int threads, AccessCSpace space, List<PagingMode> modes,
            AtomicLong progress, int keep) {
        return runAccessC(from, to, threads, space, modes, null, progress, keep);
    }

    /** {@link #runAccessC}, with a planted difference in what the fast checker's reference reads (tests only). */
    static Summary runAccessC(long from, long to, int threads, AccessCSpace space, List<PagingMode> modes,
            LongUnaryOperator referenceView, AtomicLong progress, int keep) {
        long perDepth = space.count();
        int maxPhyAddr = space.host().maxPhyAddr();
        return runChecks(from, to, threads, () -> {
            AccessCChecker checker = new AccessCChecker(maxPhyAddr, referenceView);
            return i -> {
                PagingMode mode = modes.get((int) (i / perDepth));
                int flags = space.flagsAt(i % perDepth);
                if (checker.agrees(flags, mode)) {
                    return null;
                }
                WalkCase wc = AccessCCase.build(flags, mode, maxPhyAddr);
                boolean twice = AccessCFlag.ACCESS_TWICE.in(flags);
                String diff = referenceView == null ? MatrixCheck.check(wc, twice, ReferenceWalk::evaluate)
                        : "planted difference in the reference's view of memory";
                if (diff == null) {
                    diff = "the fast access.c check found a difference that MatrixCheck does not (checker bug)";
                }
                return new Mismatch(i, AccessCFlag.describe(flags), wc, diff);
            };
        }, progress, keep);
    }

    private static Summary runChecks(long from, long to, int threads, Supplier<CaseCheck> perThread,
            AtomicLong progress, int keep) {
        long start = System.nanoTime();
        AtomicLong nextChunk = new AtomicLong(from);
        AtomicLong mismatchCount = new AtomicLong();
        List<List<Mismatch>> found = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < Math.max(1, threads); t++) {
            List<Mismatch> mine = new ArrayList<>();
            found.add(mine);
            Thread w = new Thread(() -> {
                CaseCheck check = perThread.get();
                long c;
                while ((c = nextChunk.getAndAdd(CHUNK)) < to) {
                    long end = Math.min(to, c + CHUNK);
                    for (long i = c; i < end; i++) {
                        Mismatch m = check.check(i);
                        if (m != null) {
                            mismatchCount.incrementAndGet();
                            if (mine.size() < keep) {
                                mine.add(m);
                            }
                        }
                    }
                    if (progress != null) {
                        progress.addAndGet(end - c);
                    }
                }
            }, "matrix-" + t);
            w.setUncaughtExceptionHandler((th, ex) -> {
                synchronized (failures) {
                    failures.add(ex);
                }
            });
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("matrix run interrupted", e);
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a matrix worker failed", failures.get(0));
        }
        List<Mismatch> all = new ArrayList<>();
        found.forEach(all::addAll);
        all.sort(Comparator.comparingLong(Mismatch::index));
        List<Mismatch> first = all.subList(0, Math.min(keep, all.size()));
        return new Summary(to - from, mismatchCount.get(), List.copyOf(first), (System.nanoTime() - start) / 1e9);
    }

    /** Case {@code i} of access.c's space at paging depth {@code mode}. */
    public static LongFunction<MatrixCase> accessC(AccessCSpace space, xpf.model.x86.PagingMode mode) {
        return i -> {
            int flags = space.flagsAt(i);
            return new MatrixCase(i, AccessCFlag.describe(flags),
                    AccessCCase.build(flags, mode, space.host().maxPhyAddr()), AccessCFlag.ACCESS_TWICE.in(flags));
        };
    }
}
