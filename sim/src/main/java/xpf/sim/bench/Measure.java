package xpf.sim.bench;

import java.util.Arrays;
import java.util.function.LongUnaryOperator;

/**
 * A small, honest throughput harness for the bench command: warm up, then time several batches and report the
 * median rate. JMH (sim/src/test/java/xpf/sim/bench) gives the rigorous figures; this gives a repeatable figure from
 * the shipped jar. The operation returns a value that is folded into a sink so the JIT cannot drop the work.
 */
public final class Measure {
    private static volatile long sink;

    private Measure() {
    }

    /**
     * @param op runs {@code n} operations and returns any value derived from their results
     * @return operations per second (median of the measured batches)
     */
    public static double opsPerSecond(LongUnaryOperator op, double seconds) {
        long n = 1000;
        long warmEnd = System.nanoTime() + (long) (Math.max(0.2, seconds / 3) * 1e9);
        while (System.nanoTime() < warmEnd) {
            sink += op.applyAsLong(n);
        }
        // Size batches to ~50 ms, then take 7 of them (or as many as the time allows, at least 3).
        long t0 = System.nanoTime();
        sink += op.applyAsLong(n);
        long dt = Math.max(1, System.nanoTime() - t0);
        long batch = Math.max(1, (long) (n * 50e6 / dt));
        int batches = (int) Math.max(3, Math.min(7, seconds / 0.05));
        double[] rates = new double[batches];
        for (int i = 0; i < batches; i++) {
            long s = System.nanoTime();
            sink += op.applyAsLong(batch);
            rates[i] = batch / ((System.nanoTime() - s) / 1e9);
        }
        Arrays.sort(rates);
        return rates[batches / 2];
    }
}
