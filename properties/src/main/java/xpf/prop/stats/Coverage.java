package xpf.prop.stats;

/**
 * A coverage requirement: label {@code label} of {@code category} must be reached by at least {@code minPercent}
 * percent of valid tries and at least {@code minCount} of them. Unmet requirements fail the property: this is how
 * a suite proves it reached the paths it is about.
 */
public record Coverage(String category, String label, double minPercent, int minCount) {
    public Coverage {
        if (minPercent < 0 || minPercent > 100 || minCount < 0) {
            throw new IllegalArgumentException("coverage of '" + label + "' needs 0 <= percent <= 100 and count >= 0");
        }
    }

    public String describe() {
        StringBuilder sb = new StringBuilder("\"").append(label).append('"');
        if (!category.equals(xpf.prop.TryContext.DEFAULT_CATEGORY)) {
            sb.append(" in ").append(category);
        }
        if (minPercent > 0) {
            sb.append(" >= ").append(Percent.format(minPercent));
        }
        if (minCount > 0) {
            sb.append(minPercent > 0 ? " and" : "").append(" >= ").append(minCount).append(" tries");
        }
        return sb.toString();
    }
}
