package xpf.sim.xen.pv;

import java.util.Arrays;
import java.util.List;
import xpf.sim.scenario.ScenarioRunner;

/**
 * The lines of a run's trace as {@code xpf explain} prints them, without the sequence number and step tag
 * ({@code "12 [0] CALL do_iret ..."} → {@code "CALL do_iret ..."}), so a test can compare whole lines.
 */
final class TraceLines {
    private TraceLines() {
    }

    /** Every line of the run's trace that starts with {@code prefix} (after the sequence number and step tag). */
    static List<String> of(ScenarioRunner.Run r, String prefix) {
        return Arrays.stream(r.trace().render().split("\n"))
                .map(l -> l.replaceFirst("^\\d+ \\[\\d+\\] ", ""))
                .filter(l -> l.startsWith(prefix))
                .toList();
    }
}
