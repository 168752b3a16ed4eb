package xpf.prop.report;

import java.nio.file.Path;

/**
 * Where and for what a {@link FailureRenderer} writes: the failures folder, the base name shared with the choice
 * file, and the run's facts for the file's header.
 */
public record FailureContext(String propertyId, long seed, long tryIndex, Path directory, String baseName) {
    /** {@code directory/baseName.extension}, e.g. {@code file("scenario.yaml")}. */
    public Path file(String extension) {
        return directory.resolve(baseName + "." + extension);
    }
}
