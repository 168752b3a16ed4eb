package xpf.prop.stateful;

/**
 * One operation of a stateful scenario, applied to the system under test and to the model. Write actions as
 * records: their {@code toString} is how the shrunk scenario prints, and they must be immutable so a scenario
 * replays exactly.
 *
 * @param <S> the system under test
 * @param <M> the model (a simple, obviously correct version of the system)
 */
public interface Action<S, M> {

    /** Whether the action makes sense in the model's current state; disabled actions are not generated. */
    default boolean precondition(M model) {
        return true;
    }

    /**
     * Runs the action on the system and checks the outcome against the model, which is still in the state
     * before the action. Throw (assert) to fail.
     */
    void runOn(S system, M model) throws Throwable;

    /** Advances the model past this action. Also used while generating, so it must depend on the model only. */
    void updateModel(M model);

    /** The action's kind, for statistics; the class name by default. */
    default String kind() {
        return getClass().getSimpleName();
    }
}
