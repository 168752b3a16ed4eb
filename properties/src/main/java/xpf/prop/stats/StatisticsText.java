package xpf.prop.stats;

import java.util.List;
import java.util.Map;

/** Renders statistics as the aligned table printed after each property. */
public final class StatisticsText {
    private StatisticsText() {
    }

    public static String render(String propertyId, Statistics s) {
        StringBuilder sb = new StringBuilder();
        sb.append("Statistics of ").append(propertyId).append(" (").append(s.tries()).append(" tries, ")
                .append(s.discarded()).append(" discarded)\n");
        for (Map.Entry<String, List<LabelCount>> e : s.categories().entrySet()) {
            sb.append("  ").append(e.getKey()).append('\n');
            int width = e.getValue().stream().mapToInt(l -> l.label().length()).max().orElse(0);
            for (LabelCount l : e.getValue()) {
                sb.append("    ").append(l.label()).append(" ".repeat(width - l.label().length()))
                        .append(String.format(java.util.Locale.ROOT, " %8d  %6s", l.count(), Percent.format(l.percent())))
                        .append('\n');
            }
        }
        if (!s.coverage().isEmpty()) {
            sb.append("  coverage\n");
            for (CoverageResult c : s.coverage()) {
                sb.append("    ").append(c.describe()).append('\n');
            }
        }
        return sb.toString();
    }
}
