package xpf.properties.fuzz;

import java.nio.file.Path;

/**
 * One de-duplicated failure of a fuzz run.
 *
 * @param key          failing check and path of the original failure
 * @param shrunkKey    the same for the shrunk scenario (usually equal)
 * @param family       the suite family of the scenario
 * @param tryIndex     the try that first found it ({@code ./xpf fuzz --seed S --try N} repeats it), -1 from Jazzer
 * @param seconds      wall time from the start of the run to the first detection (before shrinking)
 * @param triesBefore  tries run before it was found (a machine-independent "time to first detection")
 * @param duplicates   later failures with the same key
 * @param steps        steps of the shrunk scenario
 * @param shrinkSteps  accepted shrink steps
 * @param message      the shrunk scenario's failure message
 * @param file         the saved scenario file, or null if it could not be written
 */
public record Finding(FindingKey key, FindingKey shrunkKey, String family, long tryIndex, double seconds,
        long triesBefore, int duplicates, int steps, int shrinkSteps, String message, Path file) {

    Finding withDuplicate() {
        return new Finding(key, shrunkKey, family, tryIndex, seconds, triesBefore, duplicates + 1, steps, shrinkSteps,
                message, file);
    }
}
