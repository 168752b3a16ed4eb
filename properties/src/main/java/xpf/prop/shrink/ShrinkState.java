package xpf.prop.shrink;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import xpf.prop.choice.ChoiceSequence;
import xpf.prop.choice.Span;

/** The shrinker's current best failing sequence and its budget; passes propose candidates here. */
public final class ShrinkState {
    private final ShrinkTarget target;
    private final ShrinkBudget budget;
    private final long startNanos;
    private final long deadlineNanos;
    /** Candidates already replayed: membership only, never iterated, so hashing cannot change the result. */
    private final Set<ChoiceSequence> seen = new HashSet<>();

    private ChoiceSequence best;
    private List<Span> spans;
    private int steps;
    private int attempts;
    private StopReason stop;

    ShrinkState(ShrinkTarget target, ShrinkBudget budget, ChoiceSequence initial, List<Span> spans) {
        this.target = target;
        this.budget = budget;
        this.best = initial;
        this.spans = List.copyOf(spans);
        this.startNanos = System.nanoTime();
        this.deadlineNanos = startNanos + budget.maxTime().toNanos();
        seen.add(initial);
    }

    public ChoiceSequence best() {
        return best;
    }

    /** A fresh copy of the best sequence, for a pass to edit. */
    public long[] bestArray() {
        return best.toArray();
    }

    public List<Span> spans() {
        return spans;
    }

    public boolean exhausted() {
        if (stop == null) {
            if (attempts >= budget.maxAttempts()) {
                stop = StopReason.ATTEMPT_LIMIT;
            } else if (System.nanoTime() - deadlineNanos > 0) {
                stop = StopReason.TIME_LIMIT;
            }
        }
        return stop != null;
    }

    /**
     * Replays {@code candidate} when it is simpler than the best and new; keeps it when it still fails the same
     * way. Returns whether the best improved.
     */
    public boolean consider(long[] candidate) {
        ChoiceSequence c = ChoiceSequence.wrap(candidate);
        if (!c.simplerThan(best) || exhausted() || !seen.add(c)) {
            return false;
        }
        attempts++;
        Attempt a = target.run(candidate);
        seen.add(a.recorded());
        if (a.interesting() && a.recorded().simplerThan(best)) {
            best = a.recorded();
            spans = List.copyOf(a.spans());
            steps++;
            return true;
        }
        return false;
    }

    int steps() {
        return steps;
    }

    ShrinkOutcome outcome() {
        return new ShrinkOutcome(best, spans, steps, attempts, stop == null ? StopReason.FIXPOINT : stop,
                System.nanoTime() - startNanos);
    }
}
