package xpf.conformance.matrix;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongFunction;
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

    /**
     * @param cases    builds case {@code i}, for {@code from <= i < to}
     * @param progress receives the running count of cases done (called from worker threads; may be null)
     */
    public static Summary run(long from, long to, int threads, LongFunction<MatrixCase> cases,
            Function<WalkCase, WalkOutcome> reference, AtomicLong progress, int keep) {
        long start = System.nanoTime();
        AtomicLong nextChunk = new AtomicLong(from);
        AtomicLong mismatchCount = new AtomicLong();
        List<List<Mismatch>> perThread = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < Math.max(1, threads); t++) {
            List<Mismatch> found = new ArrayList<>();
            perThread.add(found);
            Thread w = new Thread(() -> {
                long c;
                while ((c = nextChunk.getAndAdd(CHUNK)) < to) {
                    long end = Math.min(to, c + CHUNK);
                    for (long i = c; i < end; i++) {
                        MatrixCase mc = cases.apply(i);
                        String diff = MatrixCheck.check(mc.walkCase(), mc.twice(), reference);
                        if (diff != null) {
                            mismatchCount.incrementAndGet();
                            if (found.size() < keep) {
                                found.add(new Mismatch(i, mc.label(), mc.walkCase(), diff));
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
        perThread.forEach(all::addAll);
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
