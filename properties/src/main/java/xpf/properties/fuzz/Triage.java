package xpf.properties.fuzz;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import xpf.properties.SuiteRun;
import xpf.properties.check.Oracles;
import xpf.properties.check.Violation;
import xpf.properties.gen.Generated;
import xpf.prop.Choices;
import xpf.prop.Property;
import xpf.prop.PropertyRunner;
import xpf.prop.Settings;
import xpf.prop.choice.ChoiceSequence;
import xpf.prop.choice.ReplaySource;
import xpf.prop.shrink.ShrinkBudget;
import xpf.prop.shrink.ShrinkOutcome;

/**
 * What happens to a failing input, in random and coverage-guided mode alike: its key (failing check, path) is looked
 * up; a known key only counts a duplicate; a new one is shrunk by the property engine (on the recorded choices, so
 * any source's failure shrinks the same way), its shrunk scenario saved in the crashes folder, and it joins the
 * findings. Keys of files already in the crashes folder count as known from the start, so runs do not re-save them.
 */
public final class Triage {

    /** Shrinking per finding: bounded by replays (the same on every machine), with a wall-clock safety net. */
    public static final ShrinkBudget SHRINK = new ShrinkBudget(4_000, java.time.Duration.ofSeconds(30));

    private final FuzzScope scope;
    private final Oracles oracles;
    private final CrashFiles crashes;
    private final Property<Generated> property;
    private final Map<FindingKey, Finding> findings = new LinkedHashMap<>();
    private final Map<FindingKey, FindingKey> alias = new LinkedHashMap<>();
    private final Map<FindingKey, Path> known;
    private long failures;

    public Triage(FuzzScope scope, Oracles oracles, CrashFiles crashes) {
        this.scope = scope;
        this.oracles = oracles;
        this.crashes = crashes;
        this.known = crashes == null ? Map.of() : crashes.known();
        this.property = property(scope, oracles);
    }

    /** The fuzz property: a generated scenario keeps every invariant and agrees with the reference models. */
    public static Property<Generated> property(FuzzScope scope, Oracles oracles) {
        return Property.forAll(scope.gen()).describeWith(Generated::toString)
                .check((g, ctx) -> check(g, oracles, scope.bugs()));
    }

    /**
     * A failure of a scenario with seeded bug switches on that the same scenario without them fails as well: not the
     * seeded bug's doing (a finding of its own, which a run without {@code --bug} reports). Not a {@link Violation},
     * so shrinking a seeded bug's failure never slides into one.
     */
    public static final class BaselineFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BaselineFailure(Violation without) {
            super("fails without the seeded bugs too: " + without.getMessage(), without);
        }
    }

    /**
     * Runs one generated scenario under the suite's checks. With seeded bugs on, a violation counts only when the
     * scenario without them passes (it is the bug's), else {@link BaselineFailure}.
     */
    public static SuiteRun.Report check(Generated g, Oracles oracles, List<String> bugs) {
        try {
            return SuiteRun.run(g.scenario(), oracles, g.recheck());
        } catch (Violation v) {
            if (bugs.isEmpty()) {
                throw v;
            }
            try {
                SuiteRun.run(g.scenario().withBugs(List.of()), oracles, false);
            } catch (Violation without) {
                throw new BaselineFailure(without);
            }
            throw v;
        }
    }

    /**
     * Handles one failing input.
     *
     * @param choices     the choices that generated it (recorded)
     * @param failure     what it failed with (a {@link Violation}, or an exception of the generator)
     * @param scenario    the generated scenario, or null when generation itself threw
     * @param found       how it was found, for the file header
     * @return the new finding, or null for a duplicate
     */
    public synchronized Finding report(ChoiceSequence choices, Throwable failure, Generated scenario, long tryIndex,
            long triesBefore, double seconds, String found) {
        failures++;
        FindingKey key = keyOf(scenario, failure);
        FindingKey k = alias.getOrDefault(key, key);
        Finding f = findings.get(k);
        if (f != null) {
            findings.put(k, f.withDuplicate());
            return null;
        }
        if (known.containsKey(key)) {
            Finding kf = new Finding(key, key, scenario == null ? "?" : scenario.family(), tryIndex, seconds,
                    triesBefore, 0, scenario == null ? 0 : scenario.scenario().steps().size(), 0,
                    "known: " + CrashFiles.firstLine(failure.getMessage()), known.get(key));
            findings.put(key, kf);
            return kf;
        }
        ChoiceSequence best = choices;
        int shrinkSteps = 0;
        try {
            ShrinkOutcome o = PropertyRunner.shrink(property, Settings.withSeed(0).shrink(SHRINK), choices);
            best = o.best();
            shrinkSteps = o.steps();
        } catch (IllegalArgumentException e) {
            // the recorded choices did not fail again: not deterministic; keep the original
        }
        Generated shrunk = null;
        Throwable shrunkFailure = failure;
        try {
            shrunk = scope.gen().generate(new Choices(new ReplaySource(best.toArray())));
            check(shrunk, oracles, scope.bugs());
            shrunkFailure = null;
        } catch (Violation v) {
            shrunkFailure = v;
        } catch (RuntimeException | StackOverflowError e) {
            shrunkFailure = e;
        }
        if (shrunkFailure == null) {
            // cannot happen for a deterministic property: fall back to the original input
            shrunk = scenario;
            shrunkFailure = failure;
        }
        FindingKey sk = keyOf(shrunk, shrunkFailure);
        Path file = null;
        String message = String.valueOf(shrunkFailure.getMessage());
        if (crashes != null && shrunk != null) {
            try {
                file = crashes.write(key, sk, shrunk.scenario(), oracles, found, message);
            } catch (IOException e) {
                message += " (could not save: " + e.getMessage() + ")";
            }
        }
        Finding nf = new Finding(key, sk, scenario == null ? "?" : scenario.family(), tryIndex, seconds, triesBefore,
                0, shrunk == null ? 0 : shrunk.scenario().steps().size(), shrinkSteps, message, file);
        findings.put(key, nf);
        if (!sk.equals(key)) {
            alias.putIfAbsent(sk, key);
        }
        return nf;
    }

    static FindingKey keyOf(Generated g, Throwable failure) {
        if (failure instanceof Violation v && g != null) {
            return FindingKey.of(g.scenario(), v);
        }
        return new FindingKey("harness.generator-exception", failure.getClass().getSimpleName());
    }

    public synchronized List<Finding> findings() {
        return new ArrayList<>(findings.values());
    }

    /** Failing inputs seen, duplicates included. */
    public synchronized long failures() {
        return failures;
    }

    public synchronized int unique() {
        return findings.size();
    }
}
