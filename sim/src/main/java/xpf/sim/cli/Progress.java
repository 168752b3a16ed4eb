package xpf.sim.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of long work on stderr. On a terminal: a live line redrawn in place (bar, count, rate, ETA). Otherwise
 * (CI logs, pipes): a plain {@code what: n/total} line each time the count passes a multiple of {@code every}, the
 * same lines whatever the timing, then one closing line with the elapsed time. A run shorter than {@code every}
 * prints nothing. Workers advance the shared counter; a daemon thread draws, so drawing never slows the work, and
 * timing only decorates the display, never results.
 */
public final class Progress implements AutoCloseable {
    private final String what;
    private final long total;
    private final AtomicLong done;
    private final PrintWriter err;
    private final boolean tty;
    private final long every;
    private final boolean quiet;
    private final long start = System.nanoTime();
    private final Thread ticker;
    private long nextMark;
    private volatile String extra = "";
    private volatile boolean closed;

    /**
     * @param total the expected count, or 0 if unknown
     * @param done  the counter the work increments
     * @param every plain-line step in items (and the threshold under which the run stays quiet)
     */
    public Progress(String what, long total, AtomicLong done, PrintWriter err, long every) {
        this(what, total, done, err, every, terminal());
    }

    Progress(String what, long total, AtomicLong done, PrintWriter err, long every, boolean tty) {
        this.what = what;
        this.total = total;
        this.done = done;
        this.err = err;
        this.tty = tty;
        this.every = Math.max(1, every);
        this.quiet = total > 0 && total < this.every;
        this.nextMark = this.every;
        this.ticker = new Thread(this::tick, "progress");
        this.ticker.setDaemon(true);
        if (!quiet) {
            this.ticker.start();
        }
    }

    /** A plain-line step of about 5% of {@code total} (at least 1). */
    public static long twentieth(long total) {
        return Math.max(1, total / 20);
    }

    /** Extra text shown after the counts on a terminal (e.g. "0 failures, 31/33 paths"). */
    public void setExtra(String s) {
        this.extra = s;
    }

    /** Whether stderr is a terminal: JDK 22+ answers with Console.isTerminal(); on 21 a console exists only for one. */
    static boolean terminal() {
        if ("true".equals(System.getenv("CI"))) {
            return false;
        }
        Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    private void tick() {
        while (!closed) {
            try {
                Thread.sleep(tty ? 250 : 200);
            } catch (InterruptedException e) {
                return;
            }
            if (!closed) {
                draw();
            }
        }
    }

    /** Draws now: the live line, or every plain mark passed since the last draw. */
    synchronized void draw() {
        long d = done.get();
        if (tty) {
            err.print("\r" + liveLine(d) + "\u001b[K");
        } else {
            while (d >= nextMark && (total == 0 || nextMark <= total)) {
                err.println(what + ": " + nextMark + (total > 0 ? "/" + total : ""));
                nextMark += every;
            }
        }
        err.flush();
    }

    String liveLine(long d) {
        double secs = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        double rate = d / secs;
        StringBuilder b = new StringBuilder(what).append(": ");
        if (total > 0) {
            int width = 24;
            int filled = (int) Math.min(width, width * d / total);
            b.append('[').append("#".repeat(filled)).append(".".repeat(width - filled)).append("] ");
            b.append(String.format(Locale.ROOT, "%3d%% %,d/%,d", (int) (100 * d / total), d, total));
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
        if (quiet) {
            return;
        }
        ticker.interrupt();
        try {
            ticker.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            long d = done.get();
            double secs = (System.nanoTime() - start) / 1e9;
            if (tty) {
                err.print("\r\u001b[K");
                err.println(liveLine(d));
            } else {
                draw();
                err.println(String.format(Locale.ROOT, "%s: %,d done in %.1f s (%,.0f/s)", what, d, secs,
                        d / Math.max(1e-9, secs)));
            }
            err.flush();
        }
    }
}
