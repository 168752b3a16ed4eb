package xpf.prop;

import java.nio.file.Path;

import xpf.prop.stats.Statistics;

/**
 * The outcome of one property run, with everything a report needs.
 *
 * @param triesRun       valid tries that ran (before a failure, or all)
 * @param stoppedByTime  the time budget ended the run before {@code settings.tries()} tries
 * @param replayedFrom   the choice file replayed, or null for a generating run
 * @param elapsedNanos   wall time (reported; never changes what a try generates)
 * @param counterexample the shrunk failure when {@link Verdict.Falsified}, else null
 */
public record PropertyResult<T>(String propertyId, Settings settings, Verdict verdict, int triesRun,
                                boolean stoppedByTime, Path replayedFrom, long elapsedNanos, Statistics statistics,
                                Counterexample<T> counterexample) {
    public boolean failed() {
        return verdict.failed();
    }
}
