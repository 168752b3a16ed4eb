package xpf.prop;

import java.nio.file.Path;
import java.time.Duration;

import xpf.prop.choice.Seeds;
import xpf.prop.shrink.ShrinkBudget;

/**
 * How one property run is driven. Built by the JUnit integration from annotation, system properties and defaults
 * ({@code SettingsResolver}), or directly for programmatic runs.
 *
 * @param seed            master seed; try n draws from {@code Seeds.forTry(seed, n)}
 * @param tries           valid tries wanted
 * @param onlyTry         run just this try index (replays one try of a seeded run), or -1
 * @param replay          choice file to replay instead of generating, or null
 * @param timeBudget      stop generating new tries after this long (reported), or null for no limit
 * @param shrink          shrinking budget
 * @param maxDiscardRatio discarded tries allowed per wanted try before the property fails as starved
 * @param maxChoices      choices one try may draw before it is discarded as runaway
 * @param outputDir       where failure files go (a module's {@code target/prop-failures})
 * @param projectRoot     the repository root, to print commands that work from it, or null
 */
public record Settings(long seed, int tries, long onlyTry, Path replay, Duration timeBudget, ShrinkBudget shrink,
                       int maxDiscardRatio, int maxChoices, Path outputDir, Path projectRoot) {

    public static final int DEFAULT_TRIES = 100;
    public static final int DEFAULT_MAX_DISCARD_RATIO = 5;

    public Settings {
        if (tries < 1) {
            throw new IllegalArgumentException("tries must be >= 1, got " + tries);
        }
        if (maxDiscardRatio < 0) {
            throw new IllegalArgumentException("maxDiscardRatio must be >= 0");
        }
    }

    /** Defaults with the given seed; failures go to {@code target/prop-failures} under the working directory. */
    public static Settings withSeed(long seed) {
        return new Settings(seed, DEFAULT_TRIES, -1, null, null, ShrinkBudget.DEFAULT, DEFAULT_MAX_DISCARD_RATIO,
                Choices.DEFAULT_MAX_CHOICES, Path.of("target", "prop-failures"), null);
    }

    /** Defaults with a fresh random seed (printed with the result). */
    public static Settings defaults() {
        return withSeed(Seeds.fresh());
    }

    public Settings seed(long newSeed) {
        return new Settings(newSeed, tries, onlyTry, replay, timeBudget, shrink, maxDiscardRatio, maxChoices,
                outputDir, projectRoot);
    }

    public Settings tries(int newTries) {
        return new Settings(seed, newTries, onlyTry, replay, timeBudget, shrink, maxDiscardRatio, maxChoices,
                outputDir, projectRoot);
    }

    public Settings onlyTry(long tryIndex) {
        return new Settings(seed, tries, tryIndex, replay, timeBudget, shrink, maxDiscardRatio, maxChoices,
                outputDir, projectRoot);
    }

    public Settings replay(Path choiceFile) {
        return new Settings(seed, tries, onlyTry, choiceFile, timeBudget, shrink, maxDiscardRatio, maxChoices,
                outputDir, projectRoot);
    }

    public Settings timeBudget(Duration budget) {
        return new Settings(seed, tries, onlyTry, replay, budget, shrink, maxDiscardRatio, maxChoices, outputDir,
                projectRoot);
    }

    public Settings shrink(ShrinkBudget budget) {
        return new Settings(seed, tries, onlyTry, replay, timeBudget, budget, maxDiscardRatio, maxChoices,
                outputDir, projectRoot);
    }

    public Settings outputDir(Path dir) {
        return new Settings(seed, tries, onlyTry, replay, timeBudget, shrink, maxDiscardRatio, maxChoices, dir,
                projectRoot);
    }

    public Settings projectRoot(Path root) {
        return new Settings(seed, tries, onlyTry, replay, timeBudget, shrink, maxDiscardRatio, maxChoices,
                outputDir, root);
    }
}
