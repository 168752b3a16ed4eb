package xpf.conformance.walk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.LinkedHashMap;
import java.util.Map;
import xpf.sim.walk.WalkJson;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import xpf.model.x86.WalkCase;
import xpf.model.x86.WalkOutcome;

/**
 * Runs seeded generated walk cases through two implementations and compares their outcomes with
 * {@link WalkOutcome#sameAs}. A mismatch (or an exception from either side) is minimised by
 * {@link WalkCaseMinimiser} and reported as one JSON line in the walk-service input format, replayable with
 * {@code ./xpf walk -}: the seed and case index are in {@code name}/{@code comment}, the left outcome in
 * {@code expected} and the right one in {@code description} (all keys the contract ignores).
 */
public final class WalkDifferential {

    /** How many mismatches are minimised and reported in full; the rest are only counted. */
    public static final int REPORTED = 3;

    /** One side's answer: an outcome, or the exception it threw. */
    public record Observed(WalkOutcome outcome, String error) {
        static Observed of(Function<WalkCase, WalkOutcome> impl, WalkCase c) {
            try {
                WalkOutcome o = impl.apply(c);
                return o == null ? new Observed(null, "returned null") : new Observed(o, null);
            } catch (RuntimeException | StackOverflowError e) {
                return new Observed(null, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }

        boolean agrees(Observed o) {
            if (error != null || o.error != null) {
                return false;
            }
            return outcome.sameAs(o.outcome);
        }

        JsonNode json() {
            if (outcome != null) {
                return WalkJson.outcomeNode(null, outcome);
            }
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            n.put("status", "exception");
            n.put("message", error);
            return n;
        }

        String summary() {
            return outcome != null ? outcome.summary() : "exception " + error;
        }
    }

    /** A reported mismatch: the original and minimal cases and both sides' answers on the minimal case. */
    public record Mismatch(long seed, long index, WalkCase original, WalkCase minimal, Observed left, Observed right,
            String jsonLine) {
    }

    /** The result of a run. */
    public record Result(long seed, long cases, long mismatches, List<Mismatch> reported, WalkSpread spread,
            long nanos) {
        public boolean clean() {
            return mismatches == 0;
        }

        /** Seed, counts and every reported JSON line, for a failure message. */
        public String describe() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("walk differential seed=0x%x (-Dxpf.walk.seed=%d): %d cases, %d mismatches, %.2f s%n",
                    seed, seed, cases, mismatches, nanos / 1e9));
            for (Mismatch m : reported) {
                sb.append("case ").append(m.index()).append(": ").append(m.left().summary()).append(" vs ")
                        .append(m.right().summary()).append(System.lineSeparator());
                sb.append(m.jsonLine()).append(System.lineSeparator());
            }
            return sb.toString();
        }
    }

    private WalkDifferential() {
    }

    public static Result run(long seed, long count, String leftName, Function<WalkCase, WalkOutcome> left,
            String rightName, Function<WalkCase, WalkOutcome> right) {
        Objects.requireNonNull(left);
        Objects.requireNonNull(right);
        long t0 = System.nanoTime();
        WalkCaseGenerator gen = new WalkCaseGenerator(seed);
        WalkSpread spread = new WalkSpread();
        List<Mismatch> reported = new ArrayList<>();
        long mismatches = 0;
        for (long i = 0; i < count; i++) {
            WalkCaseGenerator.GeneratedCase g = gen.caseAt(i);
            WalkCase c = g.walkCase();
            Observed l = Observed.of(left, c);
            Observed r = Observed.of(right, c);
            if (l.outcome() != null) {
                spread.add(g, l.outcome());
            }
            if (!l.agrees(r)) {
                mismatches++;
                if (reported.size() < REPORTED) {
                    reported.add(report(seed, i, c, leftName, left, rightName, right));
                }
            }
        }
        return new Result(seed, count, mismatches, List.copyOf(reported), spread, System.nanoTime() - t0);
    }

    /** Minimises a failing case and builds its report line. */
    public static Mismatch report(long seed, long index, WalkCase c, String leftName,
            Function<WalkCase, WalkOutcome> left, String rightName, Function<WalkCase, WalkOutcome> right) {
        WalkCase minimal = WalkCaseMinimiser.minimise(c,
                cand -> !Observed.of(left, cand).agrees(Observed.of(right, cand)));
        Observed l = Observed.of(left, minimal);
        Observed r = Observed.of(right, minimal);
        String id = String.format("walkdiff-%x-%d", seed, index);
        Map<String, Object> notes = new LinkedHashMap<>();
        notes.put("name", "walk differential " + leftName + " vs " + rightName + ", seed 0x" + Long.toHexString(seed)
                + " case " + index + " (minimised)");
        notes.put("comment", leftName + ": " + l.summary() + " | " + rightName + ": " + r.summary());
        notes.put("expected", l.json());
        notes.put("description", rightName + " answered " + r.json());
        return new Mismatch(seed, index, c, minimal, l, r,
                WalkJson.caseToLine(minimal, TextNode.valueOf(id), true, notes));
    }
}
