package xpf.prop.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Counts labels over the valid tries of a run. Insertion-ordered maps: the output never depends on hashing order. */
public final class StatisticsCollector {
    private final Map<String, Map<String, int[]>> counts = new LinkedHashMap<>();
    private int tries;
    private int discarded;

    public void countTry() {
        tries++;
    }

    public void countDiscard() {
        discarded++;
    }

    public void add(String category, String label) {
        counts.computeIfAbsent(category, k -> new LinkedHashMap<>()).computeIfAbsent(label, k -> new int[1])[0]++;
    }

    public int tries() {
        return tries;
    }

    public int discarded() {
        return discarded;
    }

    public Statistics finish(List<Coverage> requirements) {
        Map<String, List<LabelCount>> out = new LinkedHashMap<>();
        counts.forEach((category, labels) -> {
            List<LabelCount> list = new ArrayList<>();
            labels.forEach((label, n) -> list.add(new LabelCount(label, n[0], Percent.of(n[0], tries))));
            list.sort(Comparator.comparingInt(LabelCount::count).reversed().thenComparing(LabelCount::label));
            out.put(category, list);
        });
        List<CoverageResult> coverage = new ArrayList<>();
        for (Coverage req : requirements) {
            Map<String, int[]> labels = counts.getOrDefault(req.category(), Map.of());
            int n = labels.containsKey(req.label()) ? labels.get(req.label())[0] : 0;
            double pct = Percent.of(n, tries);
            coverage.add(new CoverageResult(req, n, pct, pct >= req.minPercent() && n >= req.minCount()));
        }
        return new Statistics(tries, discarded, out, coverage);
    }
}
