package xpf.prop.shrink;

import java.util.List;

import xpf.prop.choice.ChoiceSequence;
import xpf.prop.choice.Span;

/**
 * The simplest failing sequence found.
 *
 * @param steps    accepted simplifications
 * @param attempts replays tried
 * @param nanos    time spent (reported, never used to decide anything but the time limit)
 */
public record ShrinkOutcome(ChoiceSequence best, List<Span> spans, int steps, int attempts, StopReason stop,
                            long nanos) {
}
