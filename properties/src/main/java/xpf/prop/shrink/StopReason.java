package xpf.prop.shrink;

/** Why shrinking stopped. Only {@link #FIXPOINT} means no pass could simplify the counterexample further. */
public enum StopReason {
    FIXPOINT("no pass found a simpler failing sequence"),
    ATTEMPT_LIMIT("stopped at the attempt limit"),
    TIME_LIMIT("stopped at the time limit (the result may differ on a faster machine)");

    private final String description;

    StopReason(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
