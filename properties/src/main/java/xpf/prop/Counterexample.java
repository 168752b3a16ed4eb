package xpf.prop;

import java.nio.file.Path;
import java.util.List;

import xpf.prop.choice.ChoiceSequence;
import xpf.prop.shrink.ShrinkOutcome;

/**
 * A failing try, shrunk.
 *
 * @param tryIndex        index of the failing try in the seeded run (-1 when it came from a fuzzer)
 * @param original        the failing value as first found
 * @param originalChoices the choices it was drawn from (empty when replayed from a file)
 * @param shrunk          the shrunk value itself (for renderers and programmatic checks)
 * @param shrunkText      the shrunk value as printed
 * @param choices         the shrunk choice sequence: replaying it gives {@code shrunk} and {@code failure}
 * @param failure         what the shrunk value failed with
 * @param shrink          how shrinking went, or null when the failure was replayed from a file
 * @param notes           lines the check noted during the final run
 * @param choiceFile      the saved choice file, or null when nothing was written
 * @param files           rendered files (a scenario YAML, ...)
 * @param replayCommands  commands that replay this failure, the engine's first
 */
public record Counterexample<T>(long seed, long tryIndex, String original, ChoiceSequence originalChoices, T shrunk,
                                String shrunkText, ChoiceSequence choices, Throwable failure, ShrinkOutcome shrink,
                                List<String> notes, Path choiceFile, List<Path> files, List<String> replayCommands) {
    public Counterexample {
        notes = List.copyOf(notes);
        files = List.copyOf(files);
        replayCommands = List.copyOf(replayCommands);
    }

    public int shrinkSteps() {
        return shrink == null ? 0 : shrink.steps();
    }
}
