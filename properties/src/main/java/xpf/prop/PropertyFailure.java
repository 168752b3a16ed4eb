package xpf.prop;

import xpf.prop.report.FailureReport;

/**
 * Thrown when a property fails under JUnit or Jazzer. The message is the full failure report (seed, try, original
 * and shrunk values, shrink steps, choice file, replay command); the cause is what the shrunk value failed with.
 */
public final class PropertyFailure extends AssertionError {
    private static final long serialVersionUID = 1L;

    private final transient PropertyResult<?> result;

    public PropertyFailure(PropertyResult<?> result) {
        super(FailureReport.render(result),
                result.counterexample() == null ? null : result.counterexample().failure());
        this.result = result;
    }

    public PropertyResult<?> result() {
        return result;
    }
}
