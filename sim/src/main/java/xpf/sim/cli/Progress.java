package xpf.sim.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of long work on stderr: a live line redrawn in place when stderr is a terminal, a plain line every
 * {@code plainEverySeconds} otherwise (CI logs). Timing here only decorates the display; it never influences results.
 */
public final class Progress implements AutoCloseable {
    private final String what;
    private final long total;
    private final AtomicLong done;
    private final PrintWriter err;
    private final boolean tty;
    private final long plainEveryNanos;
    private final long start = System.nanoTime();
    private final Thread ticker;
    private volatile String extra = "";
    private volatile boolean closed;

    /**
     * @param total the expected count, or 0 if unknown
     * @param done  the shared counter the work increments
     */
    public Progress(String what, long total, AtomicLong done, PrintWriter err, double plainEverySeconds) {
        this.what = what;
        this.total = total;
        this.done = done;
        this.err = err;
        this.tty = System.console() != null && !"true".equals(System.getenv("CI"));
        this.plainEveryNanos = (long) (plainEverySeconds * 1e9);
        this.ticker = new Thread(this::tick, "progress");
        this.ticker.setDaemon(true);
        this.ticker.start();
    }

    /** Extra text shown after the counts (e.g. "0 failures, 31/33 paths"). */
    public void setExtra(String s) {
        this.extra = s;
    }

    private void tick() {
        long lastPlain = System.nanoTime();
        while (!closed) {
            try {
                Thread.sleep(tty ? 250 : 200);
            } catch (InterruptedException e) {
                return;
            }
            if (closed) {
                return;
            }
            long now = System.nanoTime();
            if (tty) {
                synchronized (err) {
                    err.print("\r" + line(now) + "\u001b[K");
                    err.flush();
                }
            } else if (now - lastPlain >= plainEveryNanos) {
                lastPlain = now;
                synchronized (err) {
                    err.println(line(now));
                    err.flush();
                }
            }
        }
    }

    String line(long now) {
        long d = done.get();
        double secs = Math.max(1e-9, (now - start) / 1e9);
        double rate = d / secs;
        StringBuilder b = new StringBuilder(what).append(": ");
        if (total > 0) {
            int width = 24;
            int filled = (int) Math.min(width, width * d / total);
            b.append('[').append("#".repeat(filled)).append(".".repeat(width - filled)).append("] ");
            b.append(String.format(Locale.ROOT, "%3d%% ", (int) (100 * d / total)));
            b.append(String.format(Locale.ROOT, "%,d/%,d", d, total));
            double eta = rate > 0 ? (total - d) / rate : 0;
            b.append(String.format(Locale.ROOT, " %,.0f/s elapsed %s eta %s", rate, time(secs), time(eta)));
        } else {
            b.append(String.format(Locale.ROOT, "%,d %,.0f/s elapsed %s", d, rate, time(secs)));
        }
        if (!extra.isEmpty()) {
            b.append(' ').append(extra);
        }
        return b.toString();
    }

    static String time(double s) {
        long t = Math.round(s);
        return t >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", t / 3600, (t / 60) % 60)
                : String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60);
    }

    @Override
    public void close() {
        closed = true;
        ticker.interrupt();
        try {
            ticker.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (err) {
            if (tty) {
                err.print("\r\u001b[K");
            }
            err.println(line(System.nanoTime()));
            err.flush();
        }
    }
}
