package xpf.sim.bench;

import java.util.Arrays;
import java.util.function.LongUnaryOperator;

/**
 * A small, honest throughput harness for the bench command: warm up, then time several batches and report the
 * median rate. Time is the benchmark thread's CPU time when the JVM can measure it (so other processes on a shared
 * machine slow the figure down far less than wall time would), wall time otherwise. The operation returns a value
 * folded into a sink so the JIT cannot drop the work.
 */
public final class Measure {
    private static volatile long sink;
    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();
    private static final boolean CPU_TIME = THREADS.isCurrentThreadCpuTimeSupported();

    /** Whether rates are per CPU-second of the measuring thread (true) or per wall-clock second. */
    public static boolean cpuTime() {
        return CPU_TIME;
    }

    private static long now() {
        return CPU_TIME ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    private Measure() {
    }

    /**
     * @param op runs {@code n} operations and returns any value derived from their results
     * @return operations per second (median of the measured batches)
     */
    public static double opsPerSecond(LongUnaryOperator op, double seconds) {
        long n = 1000;
        // Warm up on the same clock as the measurement: on a loaded machine a wall-clock warm-up gives the thread a
        // fraction of the CPU time the JIT needs, and the batches then time interpreted or C1 code.
        long warmEnd = now() + (long) (Math.max(0.2, seconds / 3) * 1e9);
        while (now() < warmEnd) {
            sink += op.applyAsLong(n);
        }
        // Size batches to ~50 ms, then take 7 of them (or as many as the time allows, at least 3).
        long t0 = now();
        sink += op.applyAsLong(n);
        long dt = Math.max(1, now() - t0);
        long batch = Math.max(1, (long) (n * 50e6 / dt));
        int batches = (int) Math.max(3, Math.min(7, seconds / 0.05));
        double[] rates = new double[batches];
        for (int i = 0; i < batches; i++) {
            long s = now();
            sink += op.applyAsLong(batch);
            rates[i] = batch / (Math.max(1, now() - s) / 1e9);
        }
        Arrays.sort(rates);
        return rates[batches / 2];
    }
}
