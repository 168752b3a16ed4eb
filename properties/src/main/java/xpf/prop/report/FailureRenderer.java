package xpf.prop.report;

import java.io.IOException;

/**
 * Renders a shrunk counterexample as a file, called once per failure after shrinking. The Xen suites write the
 * scenario YAML here and contribute {@code ./xpf replay <file>}; the engine lists both in the failure report and
 * attaches the files to the Allure result.
 */
@FunctionalInterface
public interface FailureRenderer<T> {
    Rendering render(T shrunk, FailureContext context) throws IOException;
}
