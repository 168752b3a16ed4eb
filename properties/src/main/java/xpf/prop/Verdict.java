package xpf.prop;

import java.util.List;

import xpf.prop.stats.CoverageResult;

/** How a property run ended; a closed set, so reporters switch over it exhaustively. */
public sealed interface Verdict {
    boolean failed();

    /** All tries passed and every coverage requirement was met (or a replayed failure no longer reproduces). */
    record Passed() implements Verdict {
        public boolean failed() {
            return false;
        }
    }

    /** A try failed; the counterexample is in the result. */
    record Falsified() implements Verdict {
        public boolean failed() {
            return true;
        }
    }

    /** Every try passed but the run did not reach the paths it claims to be about. */
    record CoverageUnmet(List<CoverageResult> unmet) implements Verdict {
        public boolean failed() {
            return true;
        }
    }

    /** Filters or assumptions discarded so many tries that the property says nothing. */
    record Starved(String message) implements Verdict {
        public boolean failed() {
            return true;
        }
    }
}
