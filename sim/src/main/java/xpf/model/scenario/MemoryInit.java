package xpf.model.scenario;

/** Initial data: {@code size} bytes of {@code value} at byte {@code offset} of frame {@code frame}. */
public record MemoryInit(long frame, int offset, int size, long value) {
}
