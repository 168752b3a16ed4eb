package xpf.prop.stats;

/** A coverage requirement checked against a run. */
public record CoverageResult(Coverage requirement, int count, double percent, boolean met) {
    public String describe() {
        return (met ? "met   " : "UNMET ") + requirement.describe() + ": got " + Percent.format(percent)
                + " (" + count + " tries)";
    }
}
