package xpf.sim.scenario.load;

/** A position in a scenario file: 1-based line and column, as editors count them. */
public record Location(int line, int column) {
    public static final Location START = new Location(1, 1);

    @Override
    public String toString() {
        return line + ":" + column;
    }
}
