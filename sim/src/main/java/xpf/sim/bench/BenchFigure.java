package xpf.sim.bench;

/**
 * One measured figure: a stable key (the {@code --json} key, e.g. {@code walks_per_s}), its value, unit, the goal
 * it is held against (0 if none), and a short note on how it was measured.
 */
public record BenchFigure(String key, double value, String unit, double goal, String note) {
    public boolean meetsGoal() {
        return goal <= 0 || value >= goal;
    }
}
