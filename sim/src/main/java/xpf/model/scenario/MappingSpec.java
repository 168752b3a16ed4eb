package xpf.model.scenario;

/**
 * A helper mapping: make {@code va} translate to frame {@code frame} with a leaf of {@code pageSize} and
 * {@code leafFlags}, creating missing tables under root frame {@code rootFrame} from the domain's spare frames, with
 * {@code upperFlags} on the entries it creates. Existing entries on the way are followed, never changed.
 */
public record MappingSpec(long va, long frame, long pageSize, long leafFlags, long upperFlags, long rootFrame,
        String text) {
}
