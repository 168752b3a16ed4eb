package xpf.prop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import xpf.prop.choice.ChoiceFile;
import xpf.prop.choice.ChoiceSequence;
import xpf.prop.choice.ChoiceSource;
import xpf.prop.choice.RandomSource;
import xpf.prop.choice.ReplaySource;
import xpf.prop.choice.Seeds;
import xpf.prop.choice.Span;
import xpf.prop.report.FailureArtifacts;
import xpf.prop.shrink.Attempt;
import xpf.prop.shrink.ShrinkOutcome;
import xpf.prop.shrink.ShrinkTarget;
import xpf.prop.shrink.Shrinker;
import xpf.prop.stats.Statistics;
import xpf.prop.stats.StatisticsCollector;

/**
 * Runs a property: replays a choice file when one is given for it, else generates tries from the seed until
 * enough pass or one fails; a failure is shrunk, replayed once more to collect notes, and saved.
 */
public final class PropertyRunner {
    private PropertyRunner() {
    }

    /** Runs {@code property} under {@code id} (e.g. {@code pkg.Class#method}), the name files and commands use. */
    public static <T> PropertyResult<T> run(String id, Property<T> property, Settings settings) {
        if (settings.replay() != null) {
            Path file = resolveReplay(settings.replay(), settings.projectRoot());
            ChoiceFile recorded = ChoiceFile.read(file);
            if (recorded.property().equals(id)) {
                return replay(id, property, settings, recorded, file);
            }
            // A replay file for another property: this one runs as usual (a whole suite may run with -Dprop.replay).
        }
        return search(id, property, settings);
    }

    /** Whether {@code settings} name a replay file recorded for {@code id}. */
    public static boolean replays(String id, Settings settings) {
        return settings.replay() != null
                && ChoiceFile.read(resolveReplay(settings.replay(), settings.projectRoot())).property().equals(id);
    }

    /**
     * One try whose choices come from {@code source} (the Jazzer driver's fuzzer bytes); a failure is shrunk and
     * saved like any other, its try index is -1.
     */
    public static <T> PropertyResult<T> runOnce(String id, Property<T> property, Settings settings,
                                                ChoiceSource source) {
        long start = System.nanoTime();
        TryExecutor<T> exec = executor(property, settings, false);
        StatisticsCollector stats = new StatisticsCollector();
        int r = exec.execute(source);
        if (r == TryExecutor.FAIL) {
            Counterexample<T> c = shrinkAndSave(id, property, settings, exec, -1);
            return result(id, settings, new Verdict.Falsified(), 0, false, null, start, stats.finish(List.of()), c);
        }
        if (r == TryExecutor.PASS) {
            count(stats, exec.context());
        } else {
            stats.countDiscard();
        }
        return result(id, settings, new Verdict.Passed(), stats.tries(), false, null, start, stats.finish(List.of()), null);
    }

    private static <T> PropertyResult<T> search(String id, Property<T> property, Settings settings) {
        long start = System.nanoTime();
        long deadline = settings.timeBudget() == null ? 0 : start + settings.timeBudget().toNanos();
        RandomSource random = new RandomSource();
        TryExecutor<T> exec = executor(property, settings, false);
        StatisticsCollector stats = new StatisticsCollector();
        long discardLimit = (long) settings.maxDiscardRatio() * settings.tries();
        boolean single = settings.onlyTry() >= 0;
        long last = single ? settings.onlyTry() : Long.MAX_VALUE;
        boolean stoppedByTime = false;
        for (long attempt = single ? settings.onlyTry() : 0; attempt <= last && stats.tries() < settings.tries();
             attempt++) {
            if (deadline != 0 && System.nanoTime() - deadline > 0) {
                stoppedByTime = true;
                break;
            }
            int r = exec.execute(random.reseed(Seeds.forTry(settings.seed(), attempt)));
            if (r == TryExecutor.PASS) {
                count(stats, exec.context());
            } else if (r == TryExecutor.REJECT) {
                stats.countDiscard();
                if (stats.discarded() > discardLimit) {
                    String message = stats.discarded() + " tries discarded for " + stats.tries()
                            + " valid ones (limit " + settings.maxDiscardRatio() + " per wanted try); last rejection: "
                            + exec.rejection();
                    return result(id, settings, new Verdict.Starved(message), stats.tries(), false, null, start,
                            stats.finish(property.coverage()), null);
                }
            } else {
                Counterexample<T> c = shrinkAndSave(id, property, settings, exec, attempt);
                return result(id, settings, new Verdict.Falsified(), stats.tries(), false, null, start,
                        stats.finish(property.coverage()), c);
            }
        }
        Statistics statistics = stats.finish(property.coverage());
        // Coverage is a claim about a whole run: a single replayed try cannot meet or miss it.
        Verdict verdict = !single && !statistics.unmet().isEmpty()
                ? new Verdict.CoverageUnmet(statistics.unmet()) : new Verdict.Passed();
        return result(id, settings, verdict, stats.tries(), stoppedByTime, null, start, statistics, null);
    }

    private static <T> PropertyResult<T> replay(String id, Property<T> property, Settings settings, ChoiceFile file,
                                                Path path) {
        long start = System.nanoTime();
        TryExecutor<T> exec = executor(property, settings, true);
        StatisticsCollector stats = new StatisticsCollector();
        int r = exec.execute(new ReplaySource(file.choices().toArray()));
        if (r != TryExecutor.FAIL) {
            if (r == TryExecutor.PASS) {
                count(stats, exec.context());
            }
            return result(id, settings, new Verdict.Passed(), stats.tries(), false, path, start,
                    stats.finish(List.of()), null);
        }
        Counterexample<T> c = new Counterexample<>(file.seed(), file.tryIndex(), file.original(),
                ChoiceSequence.EMPTY, exec.value(), exec.describeValue(), exec.choices().recorded(),
                exec.failure(), null, exec.context().notes(), path, List.of(), file.replay());
        return result(id, settings, new Verdict.Falsified(), 0, false, path, start, stats.finish(List.of()), c);
    }

    private static <T> Counterexample<T> shrinkAndSave(String id, Property<T> property, Settings settings,
                                                       TryExecutor<T> found, long tryIndex) {
        String original = found.describeValue();
        ChoiceSequence originalChoices = found.choices().recorded();
        List<Span> spans = found.choices().spans();
        String signature = FailureSignature.of(found.failure());
        Throwable originalFailure = found.failure();

        ShrinkOutcome outcome = shrink(property, settings, originalChoices, spans, signature);

        // Replay the shrunk sequence once more, keeping notes: this is the run the report shows.
        TryExecutor<T> last = executor(property, settings, true);
        int r = last.execute(new ReplaySource(outcome.best().toArray()));
        List<String> notes = new ArrayList<>(last.context().notes());
        Throwable failure = last.failure();
        if (r != TryExecutor.FAIL) {
            notes.add("NOT DETERMINISTIC: replaying the shrunk choices did not fail again; the property or the "
                    + "system under test depends on something besides the choices (time, hash order, shared state)");
            failure = originalFailure;
        }
        ChoiceFile facts = new ChoiceFile(id, settings.seed(), tryIndex, outcome.best(), original,
                last.describeValue(), String.valueOf(failure), outcome.steps(), List.of());
        FailureArtifacts.Written written = FailureArtifacts.write(facts, settings.outputDir(), settings.projectRoot(),
                last.value(), property.renderer());
        notes.addAll(written.problems());
        return new Counterexample<>(settings.seed(), tryIndex, original, originalChoices, last.value(),
                last.describeValue(), outcome.best(), failure, outcome, notes, written.choiceFile(), written.files(),
                written.replayCommands());
    }

    /**
     * Shrinks a failing choice sequence (a fuzzer's, a hand-edited file's) without writing anything: the shrink
     * benchmark uses it, and so can a tool that wants a smaller counterexample from an old choice file.
     *
     * @throws IllegalArgumentException when {@code failing} does not make the property fail
     */
    public static <T> ShrinkOutcome shrink(Property<T> property, Settings settings, ChoiceSequence failing) {
        TryExecutor<T> exec = executor(property, settings, false);
        if (exec.execute(new ReplaySource(failing.toArray())) != TryExecutor.FAIL) {
            throw new IllegalArgumentException("the choice sequence does not make the property fail");
        }
        return shrink(property, settings, exec.choices().recorded(), exec.choices().spans(),
                FailureSignature.of(exec.failure()));
    }

    private static <T> ShrinkOutcome shrink(Property<T> property, Settings settings, ChoiceSequence failing,
                                            List<Span> spans, String signature) {
        TryExecutor<T> replayer = executor(property, settings, false);
        ShrinkTarget target = candidate -> {
            int r = replayer.execute(new ReplaySource(candidate));
            boolean interesting = r == TryExecutor.FAIL && FailureSignature.of(replayer.failure()).equals(signature);
            Choices ch = replayer.choices();
            return new Attempt(interesting, ch.recorded(), interesting ? ch.spans() : List.of());
        };
        return new Shrinker(target, property.shrinkPasses(), settings.shrink()).shrink(failing, spans);
    }

    private static <T> TryExecutor<T> executor(Property<T> property, Settings settings, boolean keepNotes) {
        return new TryExecutor<>(property, new Choices(null, settings.maxChoices()), new TryContext(keepNotes));
    }

    private static void count(StatisticsCollector stats, TryContext ctx) {
        stats.countTry();
        for (int i = 0; i < ctx.labelCount(); i++) {
            stats.add(ctx.categoryAt(i), ctx.labelAt(i));
        }
    }

    private static <T> PropertyResult<T> result(String id, Settings settings, Verdict verdict, int tries,
                                                boolean stoppedByTime, Path replayedFrom, long start,
                                                Statistics statistics, Counterexample<T> c) {
        return new PropertyResult<>(id, settings, verdict, tries, stoppedByTime, replayedFrom,
                System.nanoTime() - start, statistics, c);
    }

    /** A relative replay path is read from the working directory, else from the project root (commands print it so). */
    static Path resolveReplay(Path replay, Path projectRoot) {
        if (replay.isAbsolute() || Files.exists(replay) || projectRoot == null) {
            return replay;
        }
        Path fromRoot = projectRoot.resolve(replay);
        return Files.exists(fromRoot) ? fromRoot : replay;
    }
}
