package xpf.prop.stateful;

import java.util.List;

import xpf.prop.TryContext;

/**
 * A generated list of actions, a plain value: it prints as a numbered list, renders to a file, and {@link #run}
 * executes it on a fresh system and model with the invariants checked after every step.
 */
public final class Scenario<S, M> {
    /** Statistics category under which {@link #run(TryContext)} counts action kinds. */
    public static final String ACTIONS = "actions";

    private final StateMachine<S, M> machine;
    private final List<Action<S, M>> actions;

    Scenario(StateMachine<S, M> machine, List<Action<S, M>> actions) {
        this.machine = machine;
        this.actions = List.copyOf(actions);
    }

    public List<Action<S, M>> actions() {
        return actions;
    }

    public int size() {
        return actions.size();
    }

    /** Runs the scenario; throws {@link ScenarioFailure} at the first failing step or invariant. */
    public void run() {
        run(null);
    }

    /** Runs the scenario, counting each action kind under {@value #ACTIONS} in the try's statistics. */
    public void run(TryContext context) {
        S system = machine.newSystem();
        M model = machine.newModel();
        for (int i = 0; i < actions.size(); i++) {
            Action<S, M> a = actions.get(i);
            if (context != null) {
                context.label(ACTIONS, a.kind());
            }
            if (!a.precondition(model)) {
                throw new ScenarioFailure(i, a.toString(), new IllegalStateException(
                        "its precondition held while generating but not while running: the model must depend on "
                                + "the actions only"));
            }
            try {
                a.runOn(system, model);
            } catch (Throwable t) {
                throw new ScenarioFailure(i, a.toString(), t);
            }
            a.updateModel(model);
            for (StateMachine.NamedInvariant<S, M> inv : machine.invariants()) {
                try {
                    inv.invariant().check(system, model);
                } catch (Throwable t) {
                    throw new ScenarioFailure(i, a + ", then invariant \"" + inv.name() + "\"", t);
                }
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(actions.size()).append(actions.size() == 1 ? " step" : " steps");
        for (int i = 0; i < actions.size(); i++) {
            sb.append("\n  ").append(i + 1).append(". ").append(actions.get(i));
        }
        return sb.toString();
    }
}
