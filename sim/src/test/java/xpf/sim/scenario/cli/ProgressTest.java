package xpf.sim.scenario.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Progress on stderr when not on a terminal: a line every N items and at the end; nothing for short runs. */
class ProgressTest {
    @Test
    void aLineEveryNAndAtTheEnd() {
        StringWriter w = new StringWriter();
        Progress p = new Progress(new PrintWriter(w), "xpf run", 250, 100);
        for (int i = 1; i <= 250; i++) {
            p.done(i);
        }
        assertThat(w.toString()).isEqualTo("xpf run: 100/250\nxpf run: 200/250\nxpf run: 250/250\n");
    }

    @Test
    void shortRunsAreQuiet() {
        StringWriter w = new StringWriter();
        Progress p = new Progress(new PrintWriter(w), "xpf run", 7, 100);
        for (int i = 1; i <= 7; i++) {
            p.done(i);
        }
        assertThat(w.toString()).isEmpty();
    }
}
