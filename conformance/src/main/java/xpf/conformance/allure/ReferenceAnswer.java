package xpf.conformance.allure;

/**
 * What the independent reference model said about one step, filled in by the caller that ran it (corpus test,
 * property, {@code xpf conform}). The report shows it beside the simulator's answer in the "expected vs actual"
 * attachment, with the rule tag the reference row comes from.
 *
 * @param step      0-based step index in the scenario
 * @param expected  the reference model's outcome, in {@code Outcome.summary()} form ({@code delivered vector=14 ...})
 * @param actual    the simulator's outcome, same form
 * @param rule      the rule tag of the reference row that decided (e.g. {@code pv.2.3d}); may be null
 */
public record ReferenceAnswer(int step, String expected, String actual, String rule) {

    public boolean agrees() {
        return expected.equals(actual);
    }
}
