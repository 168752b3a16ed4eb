package xpf.conformance.conform;

import java.util.List;

/** A part's totals (as Allure statuses) and a line per failed or broken check, for the console. */
public record PartResult(String part, int passed, int failed, int broken, int skipped, List<String> problems) {
    public PartResult {
        problems = List.copyOf(problems);
    }

    public int total() {
        return passed + failed + broken + skipped;
    }
}
