package xpf.prop.shrink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import xpf.prop.choice.ChoiceSequence;
import xpf.prop.choice.Span;

/** The shrinker on raw choice sequences, with a failure predicate standing in for a property. */
class ShrinkerTest {
    /** A target whose "generator" reads the choices as they are (no spans): failing iff the predicate holds. */
    private static ShrinkTarget target(Predicate<long[]> fails) {
        return c -> new Attempt(fails.test(c), ChoiceSequence.wrap(c.clone()), List.of());
    }

    private static ShrinkOutcome shrink(Predicate<long[]> fails, ShrinkBudget budget, long... start) {
        return new Shrinker(target(fails), List.of(), budget).shrink(ChoiceSequence.of(start), List.of());
    }

    @Test
    void deletesWhatIsNotNeededAndLowersTheRest() {
        ShrinkOutcome o = shrink(c -> c.length >= 2 && c[1] >= 40, ShrinkBudget.DEFAULT, 9, 77, 5, 8, 1);
        assertThat(o.best()).isEqualTo(ChoiceSequence.of(0, 40));
        assertThat(o.stop()).isEqualTo(StopReason.FIXPOINT);
        assertThat(o.steps()).isPositive();
    }

    @Test
    void tiedNumbersAreLoweredTogether() {
        // fails while positions 0 and 2 are equal and at least 3: only a joint lowering gets to (3, 0, 3)
        ShrinkOutcome o = shrink(c -> c.length == 3 && c[0] == c[2] && c[0] >= 3, ShrinkBudget.DEFAULT, 50, 7, 50);
        assertThat(o.best()).isEqualTo(ChoiceSequence.of(3, 0, 3));
    }

    @Test
    void redistributionMovesAmountToALaterNumber() {
        ShrinkOutcome o = shrink(c -> c.length == 2 && c[0] + c[1] > 100, ShrinkBudget.DEFAULT, 60, 50);
        assertThat(o.best()).isEqualTo(ChoiceSequence.of(0, 101));
    }

    @Test
    void theAttemptBudgetStopsShrinkingAndIsReported() {
        ShrinkOutcome o = shrink(c -> c.length >= 1 && c[0] > 3, new ShrinkBudget(3, Duration.ofMinutes(1)),
                1_000_000_000L, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(o.attempts()).isEqualTo(3);
        assertThat(o.stop()).isEqualTo(StopReason.ATTEMPT_LIMIT);
    }

    @Test
    void theTimeBudgetStopsShrinkingAndIsReported() {
        ShrinkOutcome o = shrink(c -> {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return c.length >= 1 && c[0] > 3;
        }, new ShrinkBudget(1_000_000, Duration.ofMillis(100)), 1_000_000L, 1, 2, 3);
        assertThat(o.stop()).isEqualTo(StopReason.TIME_LIMIT);
    }

    @Test
    void siblingSpansAreSwappedIntoOrder() {
        // two sibling "element" spans of one value each; failing iff the multiset is {5, 2}
        ShrinkTarget t = c -> new Attempt(c.length == 2 && (c[0] == 5 && c[1] == 2 || c[0] == 2 && c[1] == 5),
                ChoiceSequence.wrap(c.clone()),
                List.of(new Span(0, 1, "element", -1), new Span(1, 2, "element", -1)));
        ShrinkOutcome o = new Shrinker(t, List.of(), ShrinkBudget.DEFAULT)
                .shrink(ChoiceSequence.of(5, 2), List.of(new Span(0, 1, "element", -1), new Span(1, 2, "element", -1)));
        assertThat(o.best()).isEqualTo(ChoiceSequence.of(2, 5));
    }

    @Test
    void domainPassesRunAfterTheStandardOnes() {
        int[] runs = {0};
        ShrinkPass counting = Passes.pass("count", s -> runs[0]++);
        new Shrinker(target(c -> c.length > 0), List.of(counting), ShrinkBudget.DEFAULT)
                .shrink(ChoiceSequence.of(3, 4), List.of());
        assertThat(runs[0]).isPositive();
    }

    @Test
    void editsBuildTheExpectedArrays() {
        assertThat(Edits.delete(new long[] {1, 2, 3, 4}, 1, 3)).containsExactly(1, 4);
        assertThat(Edits.zero(new long[] {1, 2, 3}, 0, 2)).containsExactly(0, 0, 3);
        assertThat(Edits.swap(new long[] {1, 2, 3, 4, 5}, 0, 2, 3, 4)).containsExactly(4, 3, 1, 2, 5);
    }
}
