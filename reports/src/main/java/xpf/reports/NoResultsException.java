package xpf.reports;

import java.nio.file.Path;

/** The results folder is missing or holds no Allure result: there is nothing to report. */
public final class NoResultsException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final transient Path results;

    public NoResultsException(Path results) {
        super("no Allure results in " + results + ": run the tests first (./mvnw -B verify) or a conformance run "
                + "(./xpf conform), which write them there");
        this.results = results;
    }

    public Path results() {
        return results;
    }
}
