package xpf.prop.stats;

/** How many valid tries carried a label, and their share of all valid tries. */
public record LabelCount(String label, int count, double percent) {
}
