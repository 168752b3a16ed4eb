package xpf.prop.shrink;

import java.util.List;

import xpf.prop.choice.ChoiceSequence;
import xpf.prop.choice.Span;

/**
 * One replay of a candidate sequence: whether it fails the same way as the original ("interesting", Hypothesis's
 * word), and what it actually recorded (which may differ from the candidate: values clamped, zeros past its end).
 */
public record Attempt(boolean interesting, ChoiceSequence recorded, List<Span> spans) {
}
