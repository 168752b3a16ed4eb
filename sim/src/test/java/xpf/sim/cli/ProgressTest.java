package xpf.sim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Progress when stderr is not a terminal: a line at every multiple of N, then one closing line; short runs quiet. */
class ProgressTest {
    @Test
    void aLineAtEveryMultipleWhateverTheTimingThenAClosingLine() {
        StringWriter w = new StringWriter();
        AtomicLong done = new AtomicLong();
        try (Progress p = new Progress("xpf run", 250, done, new PrintWriter(w), 100, false)) {
            for (int i = 1; i <= 250; i++) {
                done.incrementAndGet();
                if (i == 130) {
                    p.draw(); // a draw in the middle prints the mark passed so far, once
                }
            }
        }
        assertThat(w.toString().lines().toList()).hasSize(3).satisfiesExactly(
                l -> assertThat(l).isEqualTo("xpf run: 100/250"),
                l -> assertThat(l).isEqualTo("xpf run: 200/250"),
                l -> assertThat(l).startsWith("xpf run: 250 done in "));
    }

    @Test
    void shortRunsAreQuiet() {
        StringWriter w = new StringWriter();
        AtomicLong done = new AtomicLong();
        try (Progress p = new Progress("xpf run", 7, done, new PrintWriter(w), 100, false)) {
            done.addAndGet(7);
        }
        assertThat(w.toString()).isEmpty();
    }

    @Test
    void theLiveLineShowsBarCountAndRate() {
        Progress p = new Progress("matrix", 200, new AtomicLong(), new PrintWriter(new StringWriter()), 10, true);
        assertThat(p.liveLine(50)).startsWith("matrix: [######..................]  25% 50/200 ").contains("/s elapsed");
        p.close();
    }
}
