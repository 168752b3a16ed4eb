package xpf.prop.report;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import xpf.prop.Counterexample;
import xpf.prop.PropertyResult;
import xpf.prop.Verdict;
import xpf.prop.stats.CoverageResult;

/** The text a failing property prints: everything needed to understand and replay the failure, nothing more. */
public final class FailureReport {
    private static final int MAX_VALUE_CHARS = 4000;

    private FailureReport() {
    }

    public static String render(PropertyResult<?> r) {
        StringBuilder sb = new StringBuilder();
        switch (r.verdict()) {
            case Verdict.Passed p -> sb.append("Property ").append(r.propertyId()).append(" passed ")
                    .append(r.triesRun()).append(" tries (seed ").append(r.settings().seed()).append(")\n");
            case Verdict.Falsified f -> falsified(sb, r, r.counterexample());
            case Verdict.CoverageUnmet c -> {
                sb.append("Property ").append(r.propertyId()).append(" did not reach its coverage after ")
                        .append(r.triesRun()).append(" tries (seed ").append(r.settings().seed()).append(")\n");
                for (CoverageResult u : c.unmet()) {
                    sb.append("  ").append(u.describe()).append('\n');
                }
                sb.append("  rerun: -Dprop.seed=").append(r.settings().seed()).append('\n');
            }
            case Verdict.Starved s -> sb.append("Property ").append(r.propertyId()).append(" gave up: too many rejections (seed ")
                    .append(r.settings().seed()).append(")\n  ").append(s.message()).append('\n');
        }
        if (r.stoppedByTime()) {
            sb.append("  note: the time budget ").append(r.settings().timeBudget()).append(" stopped the run after ")
                    .append(r.triesRun()).append(" of ").append(r.settings().tries()).append(" tries\n");
        }
        return sb.toString();
    }

    private static void falsified(StringBuilder sb, PropertyResult<?> r, Counterexample<?> c) {
        sb.append("Property ").append(r.propertyId()).append(" falsified");
        if (r.replayedFrom() != null) {
            sb.append(" (replayed from ").append(r.replayedFrom()).append(")\n");
        } else if (c.tryIndex() >= 0) {
            sb.append(" (seed ").append(c.seed()).append(", try ").append(c.tryIndex()).append(", after ")
                    .append(r.triesRun()).append(" passing tries)\n");
        } else {
            sb.append(" (fuzzer input)\n");
        }
        if (c.shrink() != null) {
            sb.append("  original (").append(c.originalChoices().length()).append(" choices):\n")
                    .append(indent(clip(c.original()))).append('\n');
            sb.append("  shrunk   (").append(c.choices().length()).append(" choices, ").append(c.shrink().steps())
                    .append(" shrink steps, ").append(c.shrink().attempts()).append(" attempts, ")
                    .append(TimeUnit.NANOSECONDS.toMillis(c.shrink().nanos())).append(" ms; ")
                    .append(c.shrink().stop().description()).append("):\n");
        } else {
            sb.append("  value:\n");
        }
        sb.append(indent(clip(c.shrunkText()))).append('\n');
        sb.append("  failure: ").append(c.failure()).append('\n');
        for (String note : c.notes()) {
            sb.append("  note: ").append(note).append('\n');
        }
        if (c.choiceFile() != null) {
            sb.append("  choice file: ").append(c.choiceFile()).append('\n');
        }
        for (Path f : c.files()) {
            sb.append("  rendered: ").append(f).append('\n');
        }
        if (!c.replayCommands().isEmpty()) {
            sb.append("  replay: ").append(c.replayCommands().get(0)).append('\n');
            for (String other : c.replayCommands().subList(1, c.replayCommands().size())) {
                sb.append("      or: ").append(other).append('\n');
            }
        }
        if (r.replayedFrom() == null && c.tryIndex() >= 0) {
            sb.append("  (the whole run again: -Dprop.seed=").append(c.seed()).append("; that try alone: -Dprop.seed=")
                    .append(c.seed()).append(" -Dprop.try=").append(c.tryIndex()).append(")\n");
        }
    }

    private static String indent(String text) {
        return "    " + text.replace("\n", "\n    ");
    }

    private static String clip(String s) {
        return s.length() <= MAX_VALUE_CHARS ? s
                : s.substring(0, MAX_VALUE_CHARS) + "... (" + (s.length() - MAX_VALUE_CHARS) + " more characters)";
    }
}
