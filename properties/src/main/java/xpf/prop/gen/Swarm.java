package xpf.prop.gen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import xpf.prop.Gen;
import xpf.prop.Gens;

/**
 * A per-try profile of knob probabilities (swarm testing, Groce et al. 2012): each try draws how likely each knob
 * (an operation kind, an injected fault) is, so some tries never see a knob and others see it densely. The
 * probabilities are drawn from the choices like any value, so they shrink (towards "off") and replay.
 */
public record Swarm(Map<String, Double> probabilities) {
    public Swarm {
        probabilities = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(probabilities));
    }

    /** The knob's probability in this try; unknown knobs are an error, not a silent 0. */
    public double p(String knob) {
        Double p = probabilities.get(knob);
        if (p == null) {
            throw new IllegalArgumentException("unknown swarm knob '" + knob + "', known: " + probabilities.keySet());
        }
        return p;
    }

    public boolean enabled(String knob) {
        return p(knob) > 0;
    }

    /** A coin with this knob's probability: input-driven fault injection that shrinks and replays. */
    public Gen<Boolean> chance(String knob) {
        return Gens.booleans(p(knob));
    }

    /**
     * One of the generators, weighted by their knobs' probabilities; when every knob is off, the first generator
     * (list the plainest operation first).
     */
    public <T> Gen<T> pick(Map<String, Gen<? extends T>> byKnob) {
        List<FrequencyGen.Weighted<T>> weighted = new ArrayList<>();
        for (Map.Entry<String, Gen<? extends T>> e : byKnob.entrySet()) {
            int w = (int) Math.round(p(e.getKey()) * 1000);
            if (w > 0) {
                weighted.add(new FrequencyGen.Weighted<>(w, e.getValue()));
            }
        }
        if (weighted.isEmpty()) {
            Gen<? extends T> first = byKnob.values().iterator().next();
            return first::generate;
        }
        return new FrequencyGen<>(weighted);
    }
}
