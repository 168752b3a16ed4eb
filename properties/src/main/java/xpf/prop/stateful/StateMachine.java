package xpf.prop.stateful;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

import xpf.prop.Choices;
import xpf.prop.Gen;
import xpf.prop.Property;

/**
 * Model-based testing: how to make a fresh system and model, which actions to generate (they may depend on the
 * model's state), and the invariants to check after every step.
 *
 * <p>Generation runs the model alone: each step draws an action for the current model state, redraws (a few times)
 * while its precondition is false, and applies it to the model. Each step is one span of choices, so shrinking
 * deletes and simplifies whole steps, and the shrunk choices regenerate exactly the shrunk scenario.
 *
 * <pre>{@code
 * StateMachine<Store, Map<Integer,Integer>> m = StateMachine.builder(Store::new, HashMap::new)
 *     .actions(oneOf(puts, gets))
 *     .invariant("same size", (s, model) -> assertThat(s.size()).isEqualTo(model.size()))
 *     .steps(1, 30).build();
 * Property<Scenario<Store, Map<Integer,Integer>>> p = m.property();
 * }</pre>
 */
public final class StateMachine<S, M> {
    /** Redraws of an action whose precondition is false, before the scenario ends at this step. */
    static final int PRECONDITION_REDRAWS = 10;

    record NamedInvariant<S, M>(String name, Invariant<S, M> invariant) {
    }

    private final Supplier<S> system;
    private final Supplier<M> model;
    private final Function<M, Gen<? extends Action<S, M>>> actions;
    private final List<NamedInvariant<S, M>> invariants;
    private final int minSteps;
    private final int maxSteps;
    private final double more;

    private StateMachine(Builder<S, M> b) {
        this.system = b.system;
        this.model = b.model;
        this.actions = Objects.requireNonNull(b.actions, "actions");
        this.invariants = List.copyOf(b.invariants);
        this.minSteps = b.minSteps;
        this.maxSteps = b.maxSteps;
        double extra = Math.min(Math.max(minSteps + 5.0, 2.0 * minSteps), (minSteps + (double) maxSteps) / 2) - minSteps;
        this.more = extra <= 0 ? 0 : extra / (extra + 1);
    }

    public static <S, M> Builder<S, M> builder(Supplier<S> system, Supplier<M> model) {
        return new Builder<>(system, model);
    }

    S newSystem() {
        return system.get();
    }

    M newModel() {
        return model.get();
    }

    List<NamedInvariant<S, M>> invariants() {
        return invariants;
    }

    /** Scenarios of this machine. */
    public Gen<Scenario<S, M>> scenarios() {
        return this::generate;
    }

    /** A property over scenarios, ready for statistics and coverage ({@code .cover(Scenario.ACTIONS, ...)}). */
    public Property.Builder<Scenario<S, M>> forAll() {
        return Property.forAll(scenarios());
    }

    /** The plain property: every generated scenario runs without failure. */
    public Property<Scenario<S, M>> property() {
        return forAll().check((scenario, ctx) -> scenario.run(ctx));
    }

    private Scenario<S, M> generate(Choices c) {
        M m = model.get();
        List<Action<S, M>> steps = new ArrayList<>();
        c.startSpan("steps");
        while (true) {
            c.startSpan("step");
            int n = steps.size();
            if (!c.coin(n < minSteps ? 1 : n >= maxSteps ? 0 : more)) {
                c.endSpan();
                break;
            }
            Action<S, M> a = enabledAction(c, m);
            c.endSpan();
            if (a == null) {
                break; // nothing applies in this state: the scenario ends here
            }
            steps.add(a);
            a.updateModel(m);
        }
        c.endSpan();
        return new Scenario<>(this, steps);
    }

    private Action<S, M> enabledAction(Choices c, M m) {
        Gen<? extends Action<S, M>> gen = actions.apply(m);
        for (int i = 0; i < PRECONDITION_REDRAWS; i++) {
            Action<S, M> a = gen.generate(c);
            if (a.precondition(m)) {
                return a;
            }
        }
        return null;
    }

    public static final class Builder<S, M> {
        private final Supplier<S> system;
        private final Supplier<M> model;
        private Function<M, Gen<? extends Action<S, M>>> actions;
        private final List<NamedInvariant<S, M>> invariants = new ArrayList<>();
        private int minSteps = 1;
        private int maxSteps = 50;

        private Builder(Supplier<S> system, Supplier<M> model) {
            this.system = Objects.requireNonNull(system);
            this.model = Objects.requireNonNull(model);
        }

        /** Actions whose generator depends on the model's state (e.g. only keys that exist). */
        public Builder<S, M> actionsByState(Function<M, Gen<? extends Action<S, M>>> byState) {
            this.actions = byState;
            return this;
        }

        /** Actions from one generator, whatever the state (preconditions still filter them). */
        public Builder<S, M> actions(Gen<? extends Action<S, M>> gen) {
            this.actions = m -> gen;
            return this;
        }

        public Builder<S, M> invariant(String name, Invariant<S, M> invariant) {
            invariants.add(new NamedInvariant<>(name, invariant));
            return this;
        }

        public Builder<S, M> steps(int min, int max) {
            if (min < 0 || max < min) {
                throw new IllegalArgumentException("steps must satisfy 0 <= min <= max, got [" + min + ", " + max + "]");
            }
            this.minSteps = min;
            this.maxSteps = max;
            return this;
        }

        public StateMachine<S, M> build() {
            return new StateMachine<>(this);
        }
    }
}
