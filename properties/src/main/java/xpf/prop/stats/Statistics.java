package xpf.prop.stats;

import java.util.List;
import java.util.Map;

/**
 * The statistics of one property run, for printing, for Allure, and for the report module's charts.
 *
 * @param tries      valid tries (passed, not discarded)
 * @param discarded  tries discarded by filters or assumptions
 * @param categories label counts per category, categories in first-seen order, labels by count then name
 * @param coverage   every coverage requirement with its outcome
 */
public record Statistics(int tries, int discarded, Map<String, List<LabelCount>> categories,
                         List<CoverageResult> coverage) {
    public Statistics {
        categories = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(categories));
        coverage = List.copyOf(coverage);
    }

    public static Statistics empty() {
        return new Statistics(0, 0, Map.of(), List.of());
    }

    public List<CoverageResult> unmet() {
        return coverage.stream().filter(c -> !c.met()).toList();
    }

    /** Count of a label, 0 when never seen. */
    public int count(String category, String label) {
        return categories.getOrDefault(category, List.of()).stream()
                .filter(l -> l.label().equals(label)).mapToInt(LabelCount::count).findFirst().orElse(0);
    }
}
