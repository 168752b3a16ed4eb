package xpf.model.scenario;

/**
 * One page-table entry of the initial state: entry {@code index} of the table in frame {@code tableFrame} holds
 * {@code value}. {@code text} is the entry as written in the scenario (e.g. {@code "l1 | P|RW|US"}), kept for
 * messages. Frame numbers are machine frames for PV and bare domains, guest frames (gfn) for HVM domains.
 */
public record PteSpec(long tableFrame, int index, long value, String text) {
}
