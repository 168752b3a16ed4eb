package xpf.prop.shrink;

/**
 * One way to simplify a failing choice sequence. A pass proposes candidates through
 * {@link ShrinkState#consider(long[])}, which replays them and keeps those that still fail and are simpler.
 * Domain shrinkers are passes too: they see the spans with their labels and may, say, zero every span labelled
 * "pte" at once.
 */
public interface ShrinkPass {
    String name();

    void run(ShrinkState state);
}
