package xpf.prop.shrink;

import java.time.Duration;

/**
 * Bounds on shrinking: replays (attempts) and wall time. The attempt bound keeps shrinking deterministic on any
 * machine; the time bound is a safety net that may stop early on a slow machine, and the result says so.
 */
public record ShrinkBudget(int maxAttempts, Duration maxTime) {
    public static final ShrinkBudget DEFAULT = new ShrinkBudget(20_000, Duration.ofSeconds(60));

    public ShrinkBudget {
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must be >= 0");
        }
    }
}
