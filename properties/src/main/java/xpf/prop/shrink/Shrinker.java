package xpf.prop.shrink;

import java.util.ArrayList;
import java.util.List;

import xpf.prop.choice.ChoiceSequence;
import xpf.prop.choice.Span;

/**
 * Hypothesis-style internal shrinking: runs the passes over the recorded choice sequence, round after round, until
 * a whole round improves nothing or the budget is spent. Every accepted candidate is strictly smaller in shortlex
 * order, so shrinking terminates; every pass is deterministic, so the same failure shrinks the same way anywhere
 * (unless the time limit cuts it short, which the outcome reports).
 */
public final class Shrinker {
    private final ShrinkTarget target;
    private final List<ShrinkPass> passes;
    private final ShrinkBudget budget;

    public Shrinker(ShrinkTarget target, List<ShrinkPass> extraPasses, ShrinkBudget budget) {
        this.target = target;
        this.budget = budget;
        List<ShrinkPass> all = new ArrayList<>(Passes.standard());
        all.addAll(extraPasses);
        this.passes = List.copyOf(all);
    }

    public ShrinkOutcome shrink(ChoiceSequence initial, List<Span> spans) {
        ShrinkState state = new ShrinkState(target, budget, initial, spans);
        boolean improved = true;
        while (improved && !state.exhausted()) {
            int before = state.steps();
            for (ShrinkPass pass : passes) {
                pass.run(state);
                if (state.exhausted()) {
                    break;
                }
            }
            improved = state.steps() > before;
        }
        return state.outcome();
    }
}
