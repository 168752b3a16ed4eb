package xpf.prop.jazzer;

import static xpf.prop.Gens.ints;
import static xpf.prop.Gens.lists;

import java.util.ArrayList;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import xpf.prop.Property;

/**
 * A property run as a Jazzer fuzz test. Plain {@code mvn verify} runs it in regression mode (stored inputs only);
 * {@code JAZZER_FUZZ=1 ./mvnw -pl properties -am test -Dtest=JazzerFuzzTest} fuzzes it.
 */
class JazzerFuzzTest {
    static final Property<List<Integer>> SORTING_SORTS = Property.forAll(lists(ints(), 0, 50))
            .satisfies(xs -> {
                List<Integer> sorted = new ArrayList<>(xs);
                sorted.sort(null);
                for (int i = 1; i < sorted.size(); i++) {
                    if (sorted.get(i - 1) > sorted.get(i)) {
                        throw new AssertionError("not sorted at " + i + ": " + sorted);
                    }
                }
                if (sorted.size() != xs.size()) {
                    throw new AssertionError("size changed");
                }
            });

    @FuzzTest(maxDuration = "10s")
    void sortingSorts(FuzzedDataProvider data) {
        JazzerDriver.fuzz(SORTING_SORTS, data);
    }
}
